package dev.sekisho.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sekisho.scanner.input.DocumentLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Default values of options that were not given as flags: first the environment ({@code
 * SEKISHO_<COMMAND>_<OPTION>}, then {@code SEKISHO_<OPTION>}), then the config file ({@code
 * <command>: {<option>: …}}, then top-level {@code <option>: …}). Flags beat both; built-in
 * defaults come last.
 *
 * <p>Names are the option's long name without dashes: {@code --fail-on} is {@code SEKISHO_FAIL_ON}
 * and {@code fail-on:} in the file; {@code sekisho scan --format} can be set for scan only with
 * {@code SEKISHO_SCAN_FORMAT} or {@code scan: {format: json}}. List values are comma separated in
 * the environment and YAML lists (or comma separated strings) in the file.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
  /** Made on first use: most runs have no config file, and every command starts here. */
  private static final class Yaml {
    static final ObjectMapper MAPPER = new ObjectMapper(DocumentLimits.CONFIG.yamlFactory());
  }

  private final Map<String, String> env;
  private final JsonNode config;
  private final Path configFile;

  private ConfigDefaults(Map<String, String> env, JsonNode config, Path configFile) {
    this.env = env;
    this.config = config;
    this.configFile = configFile;
  }

  /**
   * Reads the config file: {@code explicit} (from --config or SEKISHO_CONFIG, must exist), else
   * {@code $XDG_CONFIG_HOME/sekisho/config.yaml} when it exists.
   *
   * @throws UserInputException when the file is missing (explicit only) or not valid YAML
   */
  static ConfigDefaults load(CliContext context, Path explicit) {
    Path file = explicit;
    if (file == null && context.env().get("SEKISHO_CONFIG") != null) {
      file = Path.of(context.env().get("SEKISHO_CONFIG"));
    }
    boolean required = file != null;
    if (file == null) {
      file = context.configHome().resolve("sekisho").resolve("config.yaml");
    }
    if (required ? !Files.exists(file) : !Files.isRegularFile(file)) {
      if (required) {
        throw new UserInputException("config file " + file + " does not exist");
      }
      return new ConfigDefaults(context.env(), JsonNodeFactory.instance.objectNode(), null);
    }
    DocumentLimits limits = DocumentLimits.CONFIG;
    try {
      String text = new String(limits.read(file), StandardCharsets.UTF_8);
      limits.rejectAliases(text, "config file " + file);
      JsonNode node = Yaml.MAPPER.readTree(text);
      if (node == null || node.isMissingNode() || node.isNull()) {
        node = JsonNodeFactory.instance.objectNode();
      }
      if (!node.isObject()) {
        throw new UserInputException(
            "config file " + file + ": expected a map of option names to values");
      }
      return new ConfigDefaults(context.env(), node, file);
    } catch (JsonProcessingException e) {
      throw new UserInputException(
          "config file "
              + file
              + DocumentLimits.location(e)
              + ": not valid YAML: "
              + limits.problem(e),
          e);
    } catch (IOException e) {
      // DocumentException: the message names the file and the problem
      throw new UserInputException(e.getMessage(), e);
    }
  }

  /** The config file in use, or null. */
  Path configFile() {
    return configFile;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String name = option.longestName().replaceFirst("^-+", "");
    if (name.equals("config")) {
      return null;
    }
    List<String> commandPath = commandPath(option);
    String envName = name.toUpperCase(Locale.ROOT).replace('-', '_');
    if (!commandPath.isEmpty()) {
      String scoped =
          "SEKISHO_"
              + String.join("_", commandPath).toUpperCase(Locale.ROOT).replace('-', '_')
              + "_"
              + envName;
      if (env.containsKey(scoped)) {
        return env.get(scoped);
      }
    }
    if (env.containsKey("SEKISHO_" + envName)) {
      return env.get("SEKISHO_" + envName);
    }
    JsonNode scope = config;
    for (String c : commandPath) {
      scope = scope.path(c);
    }
    String scopedValue = value(scope.path(name));
    return scopedValue != null ? scopedValue : value(config.path(name));
  }

  private static List<String> commandPath(OptionSpec option) {
    List<String> path = new ArrayList<>();
    CommandLine.Model.CommandSpec spec = option.command();
    while (spec != null && spec.parent() != null) {
      path.add(0, spec.name());
      spec = spec.parent();
    }
    return path;
  }

  private static String value(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull() || node.isObject()) {
      return null;
    }
    if (node.isArray()) {
      List<String> items = new ArrayList<>();
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        items.add(it.next().asText());
      }
      return String.join(",", items);
    }
    return node.asText();
  }
}
