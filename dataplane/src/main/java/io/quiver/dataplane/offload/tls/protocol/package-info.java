/**
 * What every part of the TLS offload engine speaks: TLS 1.3's registries (cipher suites, named groups, hash
 * algorithms) and the reasons an offload fails. A leaf: it imports nothing of the engine.
 */
package io.quiver.dataplane.offload.tls.protocol;
