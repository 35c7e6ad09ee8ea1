package dev.keyroom.protocol.replication;

/** What every signed replication message carries: the sender's site epoch, a nonce, a time. */
public interface Stamped {
    long siteEpoch();

    String nonce();

    String created();
}
