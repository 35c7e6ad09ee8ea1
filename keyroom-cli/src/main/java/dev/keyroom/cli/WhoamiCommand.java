package dev.keyroom.cli;

import dev.keyroom.protocol.dto.Dto;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "whoami", description = "Show the server's record of this identity.")
final class WhoamiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() throws Exception {
        try (ClientOptions.Session s = client.open()) {
            Dto.User me = s.client().me();
            Output.print(spec, client.json, me, me.endpoint() + " " + me.name() + " " + me.role() + " " + me.status());
        }
        return 0;
    }
}
