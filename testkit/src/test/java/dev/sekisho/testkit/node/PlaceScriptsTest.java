package dev.sekisho.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlaceScriptsTest {
  // verbatim from tektoncd/pipeline v1.6.0 pkg/pod/pod_test.go ("step with script and
  // stepTemplate")
  private static final String PROGRAM =
      """
      scriptfile="/tekton/scripts/script-0-9l9zj"
      touch ${scriptfile} && chmod +x ${scriptfile}
      cat > ${scriptfile} << '_EOF_'
      IyEvYmluL3NoCmVjaG8gaGVsbG8gZnJvbSBzdGVwIG9uZQ==
      _EOF_
      /tekton/bin/entrypoint decode-script "${scriptfile}"
      scriptfile="/tekton/scripts/script-1-mz4c7"
      touch ${scriptfile} && chmod +x ${scriptfile}
      cat > ${scriptfile} << '_EOF_'
      IyEvdXNyL2Jpbi9lbnYgcHl0aG9uCnByaW50KCJIZWxsbyBmcm9tIFB5dGhvbiIp
      _EOF_
      /tekton/bin/entrypoint decode-script "${scriptfile}"
      """;

  @Test
  void decodesEachScriptTektonPlaces() {
    assertThat(PlaceScripts.isPlaceScripts(List.of("sh"), List.of("-c", PROGRAM))).isTrue();
    List<PlaceScripts.ScriptFile> files = PlaceScripts.parse(PROGRAM);
    assertThat(files)
        .extracting(PlaceScripts.ScriptFile::path)
        .containsExactly("/tekton/scripts/script-0-9l9zj", "/tekton/scripts/script-1-mz4c7");
    assertThat(files.get(0).text()).isEqualTo("#!/bin/sh\necho hello from step one");
    assertThat(files.get(1).text())
        .isEqualTo("#!/usr/bin/env python\nprint(\"Hello from Python\")");
  }

  @Test
  void plainDebugScriptsAreWrittenAsTheyAre() {
    String program =
        """
        tmpfile="/tekton/debug/scripts/debug-continue"
        touch ${tmpfile} && chmod +x ${tmpfile}
        cat > ${tmpfile} << 'debug-continue-heredoc-randomly-generated-abcde'
        #!/bin/sh
        set -e
        echo $(x)
        debug-continue-heredoc-randomly-generated-abcde
        """;
    assertThat(PlaceScripts.parse(program))
        .singleElement()
        .satisfies(f -> assertThat(f.text()).isEqualTo("#!/bin/sh\nset -e\necho $(x)\n"));
  }

  @Test
  void anythingElseIsRefused() {
    assertThat(PlaceScripts.isPlaceScripts(List.of("sh"), List.of("-c", "echo hi"))).isFalse();
    assertThatThrownBy(() -> PlaceScripts.parse(PROGRAM + "rm -rf /tekton\n"))
        .hasMessageContaining("unsupported shell")
        .hasMessageContaining("rm -rf /tekton");
    assertThatThrownBy(
            () -> PlaceScripts.parse(PROGRAM.replace("IyEvdXNyL2Jpbi9lbnYgcHl0aG9u", "not*base64")))
        .hasMessageContaining("error decoding script file \"/tekton/scripts/script-1-mz4c7\"");
  }
}
