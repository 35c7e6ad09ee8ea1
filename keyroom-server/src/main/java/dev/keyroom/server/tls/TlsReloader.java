package dev.keyroom.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the TLS key and certificate from the data directory when either file changes, without
 * a restart (TLS-1): new handshakes use the new pair, open connections keep theirs, and {@code
 * reloaded} hears of the new certificate (its names are the server's authorities). A pair that
 * cannot be read (half written, wrong permissions, mismatched) is logged and the old one kept.
 */
public final class TlsReloader {
    private static final Logger log = LoggerFactory.getLogger(TlsReloader.class);

    private final Path dir;
    private final SslContextFactory.Server ssl;
    private final char[] password;
    private final Scheduler scheduler;
    private final long intervalMillis;
    private final java.util.function.Consumer<java.security.cert.X509Certificate> reloaded;
    private List<FileTime> seen;
    private volatile String pin;

    public TlsReloader(
            Path dir,
            SslContextFactory.Server ssl,
            char[] password,
            Scheduler scheduler,
            long intervalMillis,
            String pin,
            java.util.function.Consumer<java.security.cert.X509Certificate> reloaded)
            throws IOException {
        this.dir = dir;
        this.ssl = ssl;
        this.password = password.clone();
        this.scheduler = scheduler;
        this.intervalMillis = intervalMillis;
        this.seen = stamps();
        this.pin = pin;
        this.reloaded = reloaded;
    }

    private List<FileTime> stamps() throws IOException {
        return List.of(
                Files.getLastModifiedTime(dir.resolve(TlsMaterial.KEY_FILE)),
                Files.getLastModifiedTime(dir.resolve(TlsMaterial.CERT_FILE)));
    }

    public void start() {
        scheduler.schedule(this::check, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** The SPKI pin of the pair in use. */
    public String pin() {
        return pin;
    }

    void check() {
        try {
            List<FileTime> now = stamps();
            if (!now.equals(seen)) {
                TlsMaterial material = TlsMaterial.read(dir);
                ssl.reload(f -> f.setKeyStore(material.keyStore(password)));
                seen = now;
                pin = material.spkiPin();
                reloaded.accept(material.certificate());
                log.atInfo().addKeyValue("pin", pin).log("reloaded the TLS key and certificate");
            }
        } catch (Exception e) {
            log.atWarn().setCause(e).log("TLS key or certificate changed but cannot be loaded; keeping the old pair");
        } finally {
            if (ssl.isRunning()) {
                scheduler.schedule(this::check, intervalMillis, TimeUnit.MILLISECONDS);
            }
        }
    }
}
