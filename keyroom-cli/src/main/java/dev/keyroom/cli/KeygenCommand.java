package dev.keyroom.cli;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.IdentityFile;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keygen", description = "Make a new identity file (mode 0600) and print its endpoint id.")
final class KeygenCommand extends KeyroomCommand {
    @Option(names = "--out", required = true, description = "Where to write the identity; must not exist")
    Path out;

    @Option(names = "--json", description = "Print JSON with the public keys")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Identity id = Identity.generate(new SecureRandom())) {
            IdentityFile.write(out, id);
            print(
                    json,
                    Map.of(
                            "endpoint", id.endpoint().value(),
                            "sign_pub", Base64Url.encode(id.signPub()),
                            "kex_pub", Base64Url.encode(id.kexPub()),
                            "file", out.toString()),
                    id.endpoint().value());
        }
        return 0;
    }
}
