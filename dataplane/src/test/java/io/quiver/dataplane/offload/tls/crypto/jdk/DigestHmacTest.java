package io.quiver.dataplane.offload.tls.crypto.jdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.quiver.dataplane.offload.tls.protocol.HashAlgorithm;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The hand-written HMAC equals the JDK's Mac for every key and message length around the block size. */
class DigestHmacTest {
    @ParameterizedTest
    @EnumSource(HashAlgorithm.class)
    void sameAsJdkMac(HashAlgorithm hash) throws Exception {
        DigestHmac hmac = new DigestHmac(hash);
        Mac reference = Mac.getInstance(hash.hmacName());
        Random random = new Random(2104);
        for (int keyLength = 1; keyLength <= 2 * hash.blockLength() + 1; keyLength += 7) {
            for (int messageLength : new int[] {0, 1, 55, 64, 127, 128, 300}) {
                byte[] key = new byte[keyLength];
                byte[] message = new byte[messageLength];
                random.nextBytes(key);
                random.nextBytes(message);
                reference.init(new SecretKeySpec(key, hash.hmacName()));
                byte[] expected = reference.doFinal(message);
                byte[] actual = new byte[hash.length() + 3];
                hmac.init(new byte[] {1, 2, 3});
                hmac.update(message, 0, messageLength); // abandoned: init must start over
                hmac.init(key);
                hmac.update(message, 0, messageLength);
                hmac.doFinal(actual, 3);
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(actual, 3, actual.length),
                        "key " + keyLength + " message " + messageLength);
            }
        }
    }
}
