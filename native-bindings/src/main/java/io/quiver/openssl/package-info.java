/**
 * The FFM binding of OpenSSL 3's libcrypto, for the TLS offload engine's key agreement. Apart from the DPDK shim:
 * it loads {@code libcrypto.so.3} by itself, so code that uses it never needs DPDK.
 */
package io.quiver.openssl;
