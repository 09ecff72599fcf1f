package io.quiver.perf.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TlsHandshakeBenchmarkTest {
    @Test
    @DisplayName("the op/s column of openssl speed's ecdh lines (OpenSSL 3.0 format)")
    void parsesOpensslSpeed() {
        String output = """
                Doing 253 bits  ecdh(X25519) ops for 10s: 274610 253-bits ECDH ops in 10.00s
                Doing 256 bits  ecdh(nistp256) ops for 10s: 184220 256-bits ECDH ops in 10.00s
                version: 3.0.22
                CPUINFO: OPENSSL_ia32cap=0xfffa3203078bffff:0x400684219c07ab
                                              op      op/s
                 256 bits ecdh (nistp256)   0.0001s  18422.0
                 253 bits ecdh (X25519)   0.0000s  27461.0
                """;
        Map<NamedGroup, Double> speed = TlsHandshakeBenchmark.parseOpensslSpeed(output);
        assertEquals(27461.0, speed.get(NamedGroup.X25519));
        assertEquals(18422.0, speed.get(NamedGroup.SECP256R1));
        assertTrue(TlsHandshakeBenchmark.parseOpensslSpeed("openssl: command not found").isEmpty());
    }
}
