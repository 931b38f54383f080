package io.qforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the embedded default does with a postmaster.pid left in its data directory. */
class StalePostmasterTest {

    @Test
    void aPidFileOfADeadProcessIsRemoved(@TempDir Path dir) throws Exception {
        var dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(dir.resolve("postmaster.pid"), dead.pid() + "\n" + dir + "\n");
        StalePostmaster.stopIfOrphaned(dir);
        assertThat(dir.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void aPostmasterOfALiveJvmIsLeftAloneWithAClearMessage(@TempDir Path dir) throws Exception {
        // a child of this (live) JVM stands in for another qforge's postmaster
        var child = new ProcessBuilder("sleep", "30").start();
        try {
            Files.writeString(dir.resolve("postmaster.pid"), child.pid() + "\n");
            assertThatThrownBy(() -> StalePostmaster.stopIfOrphaned(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by postmaster pid " + child.pid())
                    .hasMessageContaining("qforge.embedded.data-dir");
            assertThat(child.isAlive()).isTrue();
        } finally {
            child.destroy();
        }
    }

    @Test
    void anOrphanIsStopped(@TempDir Path dir) throws Exception {
        // sh starts sleep in the background and exits: sleep's parent is gone, like a postmaster after kill -9
        var sh = new ProcessBuilder("sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!").start();
        long orphan = Long.parseLong(new String(sh.getInputStream().readAllBytes()).trim());
        sh.waitFor();
        Files.writeString(dir.resolve("postmaster.pid"), orphan + "\n");
        StalePostmaster.stopIfOrphaned(dir);
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(dir.resolve("postmaster.pid")).doesNotExist();
    }
}
