package dev.sekisho.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathMapperTest {
  private final Path sb = Path.of("/sandbox");
  private final PathMapper m =
      new PathMapper(
          Map.of(
              "/workspace", sb.resolve("volumes/ws"),
              "/workspace/source", sb.resolve("volumes/src"),
              "/tekton/run/0", sb.resolve("volumes/run-0"),
              "/tekton/results", sb.resolve("volumes/results"),
              "/tekton/termination", sb.resolve("containers/step-a/rootfs/tekton/termination"),
              "/tmp", sb.resolve("volumes/tmp")),
          sb.resolve("containers/step-a/rootfs"));

  @Test
  void rewritesWholeMountedPathsInsideAnyString() {
    assertThat(m.rewrite("--tekton-results-dir=/tekton/results"))
        .isEqualTo("--tekton-results-dir=/sandbox/volumes/results");
    assertThat(m.rewrite("cat /tekton/results/VERDICT > /workspace/out; ls /workspace"))
        .isEqualTo(
            "cat /sandbox/volumes/results/VERDICT > /sandbox/volumes/ws/out; ls /sandbox/volumes/ws");
    assertThat(m.rewrite("-Djava.io.tmpdir=/tmp -Dx=\"/tmp/a\""))
        .isEqualTo("-Djava.io.tmpdir=/sandbox/volumes/tmp -Dx=\"/sandbox/volumes/tmp/a\"");
    // the longest mount wins
    assertThat(m.rewrite("/workspace/source/go.mod")).isEqualTo("/sandbox/volumes/src/go.mod");
    assertThat(m.rewrite("/workspace/sources")).isEqualTo("/sandbox/volumes/ws/sources");
  }

  @Test
  void leavesPathsThatOnlyLookSimilarAlone() {
    assertThat(m.rewrite("/tekton/run/01/out")).isEqualTo("/tekton/run/01/out");
    assertThat(m.rewrite("/x/workspace/y")).isEqualTo("/x/workspace/y");
    assertThat(m.rewrite("/tmpfiles /tmp.d my-/tmp")).isEqualTo("/tmpfiles /tmp.d my-/tmp");
    assertThat(m.rewrite("/bin/sh -c 'echo /workspacex'"))
        .isEqualTo("/bin/sh -c 'echo /workspacex'");
  }

  @Test
  void rewritingIsOnePassSoHostPathsAreNotRewrittenAgain() {
    PathMapper nested =
        new PathMapper(Map.of("/a", Path.of("/b/a"), "/b", Path.of("/c")), Path.of("/root"));
    assertThat(nested.rewrite("/a /b")).isEqualTo("/b/a /c");
  }

  @Test
  void resolvesContainerPathsOntoTheSandbox() {
    assertThat(m.resolve("/tekton/run/0/status/exitCode"))
        .isEqualTo(Path.of("/sandbox/volumes/run-0/status/exitCode"));
    assertThat(m.resolve("/tekton/termination"))
        .isEqualTo(Path.of("/sandbox/containers/step-a/rootfs/tekton/termination"));
    assertThat(m.resolve("/etc/passwd"))
        .isEqualTo(Path.of("/sandbox/containers/step-a/rootfs/etc/passwd"));
    assertThat(m.resolve("/")).isEqualTo(Path.of("/sandbox/containers/step-a/rootfs"));
    assertThat(m.isMounted("/workspace/x")).isTrue();
    assertThat(m.isMounted("/usr/bin")).isFalse();
  }
}
