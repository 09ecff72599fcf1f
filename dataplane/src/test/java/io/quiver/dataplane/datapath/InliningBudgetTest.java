package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-packet methods the poll loops call stay small enough for the JIT to compile them into the loop: their
 * bytecode under bin/jvm.options' FreqInlineSize. One over it is called instead of inlined; the capture's check in
 * {@code GuestEgress.steer} did that once, and the datapath lost 7 % (docs/capture.md).
 */
class InliningBudgetTest {
    @ParameterizedTest
    @ValueSource(strings = {"GuestEgress#steer", "UplinkIngress#steer", "PortIngress#toRing", "RingDelivery#deliver"})
    void aPerPacketMethodFitsTheInliningLimit(String method) throws Exception {
        String[] cm = method.split("#");
        int limit = freqInlineSize();
        ClassModel model;
        try (InputStream in = InliningBudgetTest.class.getResourceAsStream(cm[0] + ".class")) {
            model = ClassFile.of().parse(in.readAllBytes());
        }
        int largest = 0;
        for (MethodModel m : model.methods()) {
            if (m.methodName().stringValue().equals(cm[1])) {
                largest = Math.max(largest, m.findAttribute(java.lang.classfile.Attributes.code()).map(CodeAttribute::codeLength).orElse(0));
            }
        }
        assertTrue(largest > 0, "no method " + method);
        assertTrue(largest < limit, method + " is " + largest + " bytes of bytecode, the JIT inlines up to " + limit
                + ": move a rare branch into a method of its own");
    }

    private static int freqInlineSize() throws Exception {
        Path options = Path.of(System.getProperty("quiver.home", ".."), "bin", "jvm.options");
        Matcher m = Pattern.compile("-XX:FreqInlineSize=(\\d+)").matcher(Files.readString(options));
        assertTrue(m.find(), "bin/jvm.options sets FreqInlineSize");
        return Integer.parseInt(m.group(1));
    }
}
