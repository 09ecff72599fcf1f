/**
 * FFM bindings over DPDK 22.11, in the spirit of jextract: one class per DPDK area ({@link Eal}, {@link Mempools},
 * {@link Mbufs}, {@link EthDev}, {@link Flows}, {@link Threads}), each holding {@code static final} downcall
 * handles. Struct offsets, sizes and enum values come from the C shim's layout table ({@link Layout}), which the
 * compiler fills; nothing here types a layout by hand. Every DPDK failure becomes a {@link DpdkException} naming
 * the call, its subject and DPDK's own error text.
 */
package io.quiver.dpdk;
