// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.cli.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code porin demo}: Porin on this machine, end to end, and gone again afterwards. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an agent, create three pods through the CNI plugin, show them talking, enforce a policy, "
                + "show what it allows and refuses and the flows that say why, clean up.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--launcher", hidden = true, description = "The porin launcher script (set by it).")
    Path launcher = System.getenv("PORIN_LAUNCHER") == null ? null : Path.of(System.getenv("PORIN_LAUNCHER"));

    @Override
    public Integer call() throws Exception {
        if (launcher == null) {
            throw new IllegalStateException("run the demo through the porin launcher: ./porin demo");
        }
        return new Demo(launcher, System.out).run();
    }
}
