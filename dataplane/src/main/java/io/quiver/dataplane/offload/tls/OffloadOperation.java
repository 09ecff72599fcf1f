package io.quiver.dataplane.offload.tls;

/** What a request asks the offload engine to do. */
public enum OffloadOperation {
    /** Create the session of a connection: role, suite, group, local private key, peer key share, optional PSK. */
    START,
    /** Append handshake messages (whole or in pieces) to the transcript; derives secrets as points are reached. */
    HANDSHAKE_MESSAGES,
    /** Give the transcript hash at one {@link TranscriptPoint}, for a host that keeps the transcript itself. */
    TRANSCRIPT_HASH,
    /** Compute (client) or check (server) the PSK binder over a truncated ClientHello. */
    PSK_BINDER,
    /** Produce this side's Finished message and append it to the transcript. */
    FINISHED,
    /** Protect one record with the traffic key behind a handle (RFC 8446 §5.2). */
    SEAL_RECORD,
    /** Remove the protection of one record with the traffic key behind a handle. */
    OPEN_RECORD,
    /** Replace an application traffic secret by the next one (RFC 8446 §7.2, KeyUpdate). */
    UPDATE_TRAFFIC_KEY,
    /** Derive the PSK of a NewSessionTicket from the resumption master secret (RFC 8446 §4.6.1). */
    RESUMPTION_PSK,
    /** Forget the secret behind one handle. */
    RELEASE_HANDLE,
    /** End the session: every secret of the connection is erased and its handles become invalid. */
    CLOSE,
    /**
     * The service's, never a client's: the client went away, so every session and secret it held is erased (its
     * detached resumption PSKs too).
     */
    CLOSE_CLIENT
}
