/*
 * Build step of the api module (run as a single-file Java program by exec-maven-plugin right after
 * the fabric8 crd-generator): the generator sorts additionalPrinterColumns by JSON path, so
 * `kubectl get scanresults` would show AGE first. This puts the columns in the order the
 * @AdditionalPrinterColumn annotations are declared on each custom resource class, by moving the
 * generator's own YAML blocks (their text is kept byte for byte).
 *
 * Usage: java -cp <api classes + deps> OrderPrinterColumns.java DIR PACKAGE
 */
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class OrderPrinterColumns {
  private static final Pattern KIND = Pattern.compile("(?m)^    kind: \"([A-Za-z]+)\"$");
  private static final String HEADER = "  - additionalPrinterColumns:\n";

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String pkg = args[1];
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith("-v1.yml")).toList()) {
        String yaml = Files.readString(file);
        Matcher kind = KIND.matcher(yaml);
        if (!kind.find() || !yaml.contains(HEADER)) {
          continue;
        }
        Class<?> type = Class.forName(pkg + "." + kind.group(1));
        List<String> order = new ArrayList<>();
        for (AdditionalPrinterColumn c : type.getAnnotationsByType(AdditionalPrinterColumn.class)) {
          order.add(c.name());
        }
        Files.writeString(file, reorder(yaml, order, file));
      }
    }
  }

  static String reorder(String yaml, List<String> order, Path file) {
    int start = yaml.indexOf(HEADER) + HEADER.length();
    int end = start;
    List<String> blocks = new ArrayList<>();
    while (yaml.startsWith("    - ", end)) {
      int next = yaml.indexOf("\n    - ", end + 1);
      int stop = yaml.indexOf("\n    name: \"v", end);
      int blockEnd = (next >= 0 && next < stop) ? next + 1 : stop + 1;
      blocks.add(yaml.substring(end, blockEnd));
      end = blockEnd;
    }
    List<String> sorted = new ArrayList<>(blocks);
    sorted.sort(
        (a, b) -> Integer.compare(order.indexOf(name(a, file)), order.indexOf(name(b, file))));
    return yaml.substring(0, start) + String.join("", sorted) + yaml.substring(end);
  }

  static String name(String block, Path file) {
    Matcher m = Pattern.compile("(?m)^      name: \"([^\"]+)\"$").matcher(block);
    if (!m.find()) {
      throw new IllegalStateException("no column name in " + file + ":\n" + block);
    }
    return m.group(1);
  }
}
