package io.quiver.dataplane.offload.tls;

/**
 * Who gets a request's reply when it is not a host's future: a front end of the offload service. Called on the
 * offload worker with the tag the request was queued with, so it must not block: it hands the reply on.
 */
@FunctionalInterface
public interface ReplyHandler {
    void replied(OffloadReply reply, long tag);
}
