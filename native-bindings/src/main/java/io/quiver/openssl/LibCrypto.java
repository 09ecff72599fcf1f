package io.quiver.openssl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The one place that binds OpenSSL 3's libcrypto ({@code libcrypto.so.3}, Debian's libssl3) through FFM: downcall
 * handles in static final fields, each wrapped by a method with Java types. Only the calls the key agreement needs
 * are bound. When the library cannot be loaded every handle is null and {@link #available()} says why.
 * Restricted FFM methods are expected here and only here (the JVM runs with --enable-native-access).
 */
@SuppressWarnings("restricted")
public final class LibCrypto {
    public static final String LIBRARY = "libcrypto.so.3";

    /** EVP_PKEY_fromdata selections (openssl/evp.h): KEYPAIR = 0x87, PUBLIC_KEY = 0x86. */
    public static final int EVP_PKEY_KEYPAIR = 0x87;
    public static final int EVP_PKEY_PUBLIC_KEY = 0x86;
    public static final int NID_X25519 = 1034;
    public static final int NID_X9_62_PRIME256V1 = 415;
    /** OSSL_PARAM: { const char *key; unsigned int data_type; void *data; size_t data_size; size_t return_size; }. */
    public static final long OSSL_PARAM_SIZE = 40;
    public static final int OSSL_PARAM_OCTET_STRING = 5;
    public static final long OSSL_PARAM_UNMODIFIED = -1L;

    private static final Throwable LOAD_FAILURE;
    private static final SymbolLookup LOOKUP;

    static {
        SymbolLookup lookup = null;
        Throwable failure = null;
        try {
            lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (Throwable t) {
            failure = t;
        }
        LOOKUP = lookup;
        LOAD_FAILURE = failure;
    }

    private static final MethodHandle OPENSSL_VERSION_NUM = bind("OpenSSL_version_num", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle ERR_CLEAR_ERROR = bind("ERR_clear_error", FunctionDescriptor.ofVoid());
    private static final MethodHandle EVP_PKEY_CTX_NEW_FROM_NAME = bind("EVP_PKEY_CTX_new_from_name",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle EVP_PKEY_CTX_NEW_FROM_PKEY = bind("EVP_PKEY_CTX_new_from_pkey",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle EVP_PKEY_CTX_FREE = bind("EVP_PKEY_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle EVP_PKEY_FROMDATA_INIT = bind("EVP_PKEY_fromdata_init",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle EVP_PKEY_FROMDATA = bind("EVP_PKEY_fromdata",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle EVP_PKEY_NEW_RAW_PRIVATE_KEY = bind("EVP_PKEY_new_raw_private_key",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle EVP_PKEY_FREE = bind("EVP_PKEY_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle EVP_PKEY_DERIVE_INIT = bind("EVP_PKEY_derive_init",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle EVP_PKEY_DERIVE_SET_PEER_EX = bind("EVP_PKEY_derive_set_peer_ex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle EVP_PKEY_DERIVE = bind("EVP_PKEY_derive",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle EC_KEY_NEW_BY_CURVE_NAME = bind("EC_KEY_new_by_curve_name",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle EC_KEY_FREE = bind("EC_KEY_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle EC_KEY_GET0_GROUP = bind("EC_KEY_get0_group", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle EC_KEY_OCT2PRIV = bind("EC_KEY_oct2priv",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle EC_POINT_NEW = bind("EC_POINT_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle EC_POINT_FREE = bind("EC_POINT_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle EC_POINT_OCT2POINT = bind("EC_POINT_oct2point",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle ECDH_COMPUTE_KEY = bind("ECDH_compute_key",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));

    private LibCrypto() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        if (LOOKUP == null) {
            return null;
        }
        Optional<MemorySegment> symbol = LOOKUP.find(name);
        return symbol.map(s -> Linker.nativeLinker().downcallHandle(s, descriptor)).orElse(null);
    }

    /** Null when libcrypto 3 is loaded with every symbol bound, otherwise why not. */
    public static String unavailableReason() {
        if (LOAD_FAILURE != null) {
            return LIBRARY + " could not be loaded: " + LOAD_FAILURE.getMessage();
        }
        MethodHandle[] all = {OPENSSL_VERSION_NUM, ERR_CLEAR_ERROR, EVP_PKEY_CTX_NEW_FROM_NAME, EVP_PKEY_CTX_NEW_FROM_PKEY,
                EVP_PKEY_CTX_FREE, EVP_PKEY_FROMDATA_INIT, EVP_PKEY_FROMDATA, EVP_PKEY_NEW_RAW_PRIVATE_KEY, EVP_PKEY_FREE,
                EVP_PKEY_DERIVE_INIT, EVP_PKEY_DERIVE_SET_PEER_EX, EVP_PKEY_DERIVE, EC_KEY_NEW_BY_CURVE_NAME, EC_KEY_FREE,
                EC_KEY_GET0_GROUP, EC_KEY_OCT2PRIV, EC_POINT_NEW, EC_POINT_FREE, EC_POINT_OCT2POINT, ECDH_COMPUTE_KEY};
        for (MethodHandle h : all) {
            if (h == null) {
                return LIBRARY + " lacks an OpenSSL 3 symbol the backend needs";
            }
        }
        if (versionNumber() < 0x30000000L) {
            return LIBRARY + " is older than OpenSSL 3.0";
        }
        return null;
    }

    public static boolean available() {
        return unavailableReason() == null;
    }

    private static RuntimeException failure(Throwable t) {
        return new IllegalStateException("libcrypto call failed", t);
    }

    public static long versionNumber() {
        try {
            return (long) OPENSSL_VERSION_NUM.invokeExact();
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static void errClearError() {
        try {
            ERR_CLEAR_ERROR.invokeExact();
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static MemorySegment evpPkeyCtxNewFromName(MemorySegment name) {
        try {
            return (MemorySegment) EVP_PKEY_CTX_NEW_FROM_NAME.invokeExact(MemorySegment.NULL, name, MemorySegment.NULL);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static MemorySegment evpPkeyCtxNewFromPkey(MemorySegment pkey) {
        try {
            return (MemorySegment) EVP_PKEY_CTX_NEW_FROM_PKEY.invokeExact(MemorySegment.NULL, pkey, MemorySegment.NULL);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static void evpPkeyCtxFree(MemorySegment ctx) {
        try {
            EVP_PKEY_CTX_FREE.invokeExact(ctx);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static int evpPkeyFromdataInit(MemorySegment ctx) {
        try {
            return (int) EVP_PKEY_FROMDATA_INIT.invokeExact(ctx);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static int evpPkeyFromdata(MemorySegment ctx, MemorySegment pkeyOut, int selection, MemorySegment params) {
        try {
            return (int) EVP_PKEY_FROMDATA.invokeExact(ctx, pkeyOut, selection, params);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static MemorySegment evpPkeyNewRawPrivateKey(int type, MemorySegment key, long length) {
        try {
            return (MemorySegment) EVP_PKEY_NEW_RAW_PRIVATE_KEY.invokeExact(type, MemorySegment.NULL, key, length);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static void evpPkeyFree(MemorySegment pkey) {
        try {
            EVP_PKEY_FREE.invokeExact(pkey);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static int evpPkeyDeriveInit(MemorySegment ctx) {
        try {
            return (int) EVP_PKEY_DERIVE_INIT.invokeExact(ctx);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static int evpPkeyDeriveSetPeerEx(MemorySegment ctx, MemorySegment peer, int validatePeer) {
        try {
            return (int) EVP_PKEY_DERIVE_SET_PEER_EX.invokeExact(ctx, peer, validatePeer);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static int evpPkeyDerive(MemorySegment ctx, MemorySegment out, MemorySegment outLength) {
        try {
            return (int) EVP_PKEY_DERIVE.invokeExact(ctx, out, outLength);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static MemorySegment ecKeyNewByCurveName(int nid) {
        try {
            return (MemorySegment) EC_KEY_NEW_BY_CURVE_NAME.invokeExact(nid);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static void ecKeyFree(MemorySegment key) {
        try {
            EC_KEY_FREE.invokeExact(key);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static MemorySegment ecKeyGet0Group(MemorySegment key) {
        try {
            return (MemorySegment) EC_KEY_GET0_GROUP.invokeExact(key);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static int ecKeyOct2priv(MemorySegment key, MemorySegment scalar, long length) {
        try {
            return (int) EC_KEY_OCT2PRIV.invokeExact(key, scalar, length);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static MemorySegment ecPointNew(MemorySegment group) {
        try {
            return (MemorySegment) EC_POINT_NEW.invokeExact(group);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static void ecPointFree(MemorySegment point) {
        try {
            EC_POINT_FREE.invokeExact(point);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static int ecPointOct2point(MemorySegment group, MemorySegment point, MemorySegment encoded, long length) {
        try {
            return (int) EC_POINT_OCT2POINT.invokeExact(group, point, encoded, length, MemorySegment.NULL);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    public static int ecdhComputeKey(MemorySegment out, long outLength, MemorySegment peerPoint, MemorySegment key) {
        try {
            return (int) ECDH_COMPUTE_KEY.invokeExact(out, outLength, peerPoint, key, MemorySegment.NULL);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    /** A readable version like {@code 3.0.22} from OpenSSL_version_num (0xMNN00PP0). */
    public static String versionString() {
        long v = versionNumber();
        return ((v >>> 28) & 0xf) + "." + ((v >>> 20) & 0xff) + "." + ((v >>> 4) & 0xff);
    }
}
