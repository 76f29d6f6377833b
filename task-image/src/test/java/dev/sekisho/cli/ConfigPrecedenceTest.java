package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flags beat SEKISHO_* environment variables, which beat the config file. Observed through `db
 * info`, whose error names the database directory it looked in.
 */
class ConfigPrecedenceTest {
  @TempDir Path tmp;

  private Map<String, String> env(boolean withEnvVar) throws Exception {
    Path configHome = tmp.resolve("config");
    Files.createDirectories(configHome.resolve("sekisho"));
    Files.writeString(
        configHome.resolve("sekisho/config.yaml"), "db: " + tmp.resolve("from-file") + "\n");
    Map<String, String> env = new HashMap<>();
    env.put("HOME", tmp.toString());
    env.put("XDG_CONFIG_HOME", configHome.toString());
    if (withEnvVar) {
      env.put("SEKISHO_DB", tmp.resolve("from-env").toString());
    }
    return env;
  }

  @Test
  void configFileWhenNothingElse() throws Exception {
    CliRun r = CliRun.run(env(false), "db", "info");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("no vulnerability database in " + tmp.resolve("from-file"));
  }

  @Test
  void environmentBeatsConfigFile() throws Exception {
    CliRun r = CliRun.run(env(true), "db", "info");
    assertThat(r.err()).contains("no vulnerability database in " + tmp.resolve("from-env"));
  }

  @Test
  void flagBeatsEnvironment() throws Exception {
    CliRun r = CliRun.run(env(true), "db", "info", "--db", tmp.resolve("from-flag").toString());
    assertThat(r.err()).contains("no vulnerability database in " + tmp.resolve("from-flag"));
  }

  @Test
  void commandScopedKeysBeatGlobalOnes() throws Exception {
    Map<String, String> env = env(true);
    env.put("SEKISHO_DB_INFO_DB", tmp.resolve("scoped").toString());
    CliRun r = CliRun.run(env, "db", "info");
    assertThat(r.err()).contains("no vulnerability database in " + tmp.resolve("scoped"));
  }

  @Test
  void explicitConfigFileAndBrokenYaml() throws Exception {
    Path file = tmp.resolve("broken.yaml");
    Files.writeString(file, "db: [unclosed\n");
    CliRun r =
        CliRun.run(Map.of("HOME", tmp.toString()), "--config", file.toString(), "db", "info");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("sekisho: error: config file " + file + ": line 2");
  }
}
