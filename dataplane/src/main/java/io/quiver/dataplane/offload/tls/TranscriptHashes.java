package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;


/**
 * One of a session's two ways to follow the transcript: the hashes the host computed at each {@link TranscriptPoint},
 * in order (only the ClientHello point and the Finished context points may be skipped), each checked for its length
 * and handed to the session's derivation for that point.
 */
final class TranscriptHashes {
    private final HandshakeSession session;
    private TranscriptPoint lastPoint;

    TranscriptHashes(HandshakeSession session) {
        this.session = session;
    }

    /** The transcript hash at one point, with the peer's verify_data at a Finished context point when known. */
    void at(TranscriptPoint point, byte[] hash, byte[] peerVerifyData, byte[] peerShare, HandshakeSession.Outcome out) {
        int length = session.suite.hash().length();
        if (hash == null || hash.length != length || (peerVerifyData != null && peerVerifyData.length != length)) {
            throw new OffloadFailure(FailureReason.BAD_TRANSCRIPT_HASH_LENGTH);
        }
        if (!mayComeNow(point)) {
            throw new OffloadFailure(FailureReason.UNEXPECTED_TRANSCRIPT_POINT);
        }
        lastPoint = point;
        session.notePeerKeyShare(peerShare);
        switch (point) {
            case CLIENT_HELLO -> session.atClientHello(hash, out);
            case SERVER_HELLO -> {
                session.pskAccepted = session.pskOffered;
                session.atServerHello(hash, out);
            }
            case SERVER_FINISHED_CONTEXT -> session.finishedAt(SecretKind.SERVER_HANDSHAKE_TRAFFIC, TlsRole.SERVER, hash,
                    peerVerifyData, out);
            case SERVER_FINISHED -> session.atServerFinished(hash, out);
            case CLIENT_FINISHED_CONTEXT -> session.finishedAt(SecretKind.CLIENT_HANDSHAKE_TRAFFIC, TlsRole.CLIENT, hash,
                    peerVerifyData, out);
            case CLIENT_FINISHED -> session.atClientFinished(hash, out);
        }
    }

    private boolean mayComeNow(TranscriptPoint point) {
        int previous = lastPoint == null ? -1 : lastPoint.ordinal();
        if (point.ordinal() <= previous) {
            return false;
        }
        // only the ClientHello point and the two Finished context points may be skipped
        for (TranscriptPoint skipped : TranscriptPoint.values()) {
            if (skipped.ordinal() > previous && skipped.ordinal() < point.ordinal()
                    && (skipped == TranscriptPoint.SERVER_HELLO || skipped == TranscriptPoint.SERVER_FINISHED)) {
                return false;
            }
        }
        return true;
    }
}
