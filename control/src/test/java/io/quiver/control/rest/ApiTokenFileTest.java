package io.quiver.control.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the daemon's token comes from and which token a client sends where (the daemon's side: AccessControlTest). */
class ApiTokenFileTest {
    @TempDir
    Path dir;

    @Test
    void theDaemonMakesOneInAnOwnerOnlyFolderAndKeepsIt() throws Exception {
        Path file = dir.resolve("etc-quiver").resolve("api.token");
        ApiTokenFile.Served first = ApiTokenFile.serve(file);
        assertTrue(first.created());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        ApiTokenFile.Served again = ApiTokenFile.serve(file);
        assertEquals(new ApiTokenFile.Served(first.token(), false), again, "a restart keeps the token clients hold");
        assertNotEquals(first.token(), ApiTokenFile.serve(dir.resolve("other.token")).token());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiTokenFile.serve(file));
        assertTrue(e.getMessage().contains("other users") && e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void aClientSendsWhatItWasGivenAndTheServicesTokenOnlyToThisHost() throws Exception {
        Path given = dir.resolve("given.token");
        Files.writeString(given, "  from-the-file \nsecond line is not the token\n");
        Path service = dir.resolve("service.token");
        Files.writeString(service, "the-services\n");
        String local = "http://127.0.0.1:9696";
        assertEquals("explicit", ApiTokenFile.forClient("explicit", given, local, service));
        assertEquals("from-the-file", ApiTokenFile.forClient(null, given, local, service));
        assertEquals("from-the-file", ApiTokenFile.forClient("", given, "http://192.0.2.1:9696", service));
        assertEquals("the-services", ApiTokenFile.forClient(null, null, local, service));
        assertEquals("the-services", ApiTokenFile.forClient(null, null, "http://localhost:9696", service));
        assertEquals("the-services", ApiTokenFile.forClient(null, null, "http://[::1]:9696", service));
        assertNull(ApiTokenFile.forClient(null, null, "http://192.0.2.1:9696", service), "never sent to another host unasked");
        assertNull(ApiTokenFile.forClient(null, null, local, dir.resolve("absent")));
        assertNull(ApiTokenFile.forClient(null, null, "not a url", service));
        assertThrows(IllegalArgumentException.class, () -> ApiTokenFile.forClient(null, dir.resolve("absent"), local, service),
                "a file the client named must be there");
    }
}
