package io.quiver.configstore;

/** What an acknowledged change survives: the promise of a commit's return (docs/configstore.md, "Durability"). */
public enum Durability {
    /**
     * The change is in the memory-mapped files, in the kernel's page cache: it survives the death of the process
     * ({@code kill -9}, an OOM kill, a JVM crash), not a power loss or a kernel crash. Commits take microseconds.
     */
    PROCESS,
    /**
     * The change's journal record is on disk (fdatasync) before the commit returns, and a checkpoint is written only
     * after the maps it vouches for are: it survives a power loss too. Each commit waits for a disk flush.
     */
    POWER_LOSS
}
