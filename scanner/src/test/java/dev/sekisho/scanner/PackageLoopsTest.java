package dev.sekisho.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No two packages of the scanner import each other, directly or around a loop. Read from the
 * sources: import lines and fully qualified names used in code (comments and strings aside) count.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PackageLoopsTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
  private static final Pattern NAME = Pattern.compile("\\bdev\\.sekisho\\.[\\w.]+");
  private static final Pattern COMMENT_OR_STRING =
      Pattern.compile(
          "//[^\\n]*|/\\*.*?\\*/|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"", Pattern.DOTALL);

  @Test
  void noPackageReachesItselfThroughItsImports() throws IOException {
    Map<String, Map<String, Set<String>>> imports = imports(SOURCES);
    assertThat(imports).as("packages read from " + SOURCES.toAbsolutePath()).isNotEmpty();
    assertThat(loops(imports)).isEmpty();
  }

  @Test
  void aLoopIsFoundAndNamedWithTheFilesThatCloseIt() {
    Map<String, Map<String, Set<String>>> imports = new TreeMap<>();
    imports.computeIfAbsent("a", k -> new TreeMap<>()).put("b", Set.of("A.java -> b.B"));
    imports.computeIfAbsent("b", k -> new TreeMap<>()).put("c", Set.of("B.java -> c.C"));
    imports.computeIfAbsent("c", k -> new TreeMap<>()).put("a", Set.of("C.java -> a.A"));
    imports.computeIfAbsent("d", k -> new TreeMap<>()).put("a", Set.of("D.java -> a.A"));
    assertThat(loops(imports))
        .singleElement()
        .asString()
        .contains("a, b, c")
        .contains("A.java -> b.B")
        .contains("C.java -> a.A")
        .doesNotContain("D.java");
  }

  /** Package → imported package → the files and names that import it. */
  static Map<String, Map<String, Set<String>>> imports(Path root) throws IOException {
    Map<Path, String> packageOf = new HashMap<>();
    Map<Path, String> code = new HashMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        Matcher m = PACKAGE.matcher(source);
        if (m.find()) {
          packageOf.put(file, m.group(1));
          code.put(file, COMMENT_OR_STRING.matcher(source).replaceAll(" "));
        }
      }
    }
    Set<String> packages = new TreeSet<>(packageOf.values());
    Map<String, Map<String, Set<String>>> imports = new TreeMap<>();
    for (Map.Entry<Path, String> e : packageOf.entrySet()) {
      String from = e.getValue();
      Matcher m = NAME.matcher(code.get(e.getKey()));
      while (m.find()) {
        String[] parts = m.group().split("\\.");
        // the longest prefix that is a package of this tree; the rest names a type in it
        for (int i = parts.length; i > 1; i--) {
          String to = String.join(".", List.of(parts).subList(0, i));
          if (packages.contains(to)) {
            if (!to.equals(from) && i < parts.length) {
              imports
                  .computeIfAbsent(from, k -> new TreeMap<>())
                  .computeIfAbsent(to, k -> new TreeSet<>())
                  .add(e.getKey().getFileName() + " -> " + to + "." + parts[i]);
            }
            break;
          }
        }
      }
    }
    return imports;
  }

  /** Every loop (a strongly connected set of two packages or more), with the imports inside it. */
  static List<String> loops(Map<String, Map<String, Set<String>>> imports) {
    Set<String> nodes = new TreeSet<>(imports.keySet());
    imports.values().forEach(m -> nodes.addAll(m.keySet()));
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> components = new ArrayList<>();
    for (String node : nodes) {
      if (!index.containsKey(node)) {
        connect(node, imports, index, low, stack, onStack, components);
      }
    }
    List<String> loops = new ArrayList<>();
    for (Set<String> component : components) {
      if (component.size() < 2) {
        continue;
      }
      StringBuilder s = new StringBuilder("loop between " + String.join(", ", component) + ":");
      for (String from : component) {
        imports.getOrDefault(from, Map.of()).entrySet().stream()
            .filter(e -> component.contains(e.getKey()))
            .forEach(
                e ->
                    s.append("\n  ")
                        .append(from)
                        .append(" -> ")
                        .append(e.getKey())
                        .append(": ")
                        .append(e.getValue()));
      }
      loops.add(s.toString());
    }
    return loops;
  }

  private static void connect(
      String node,
      Map<String, Map<String, Set<String>>> imports,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> components) {
    index.put(node, index.size());
    low.put(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (String next : imports.getOrDefault(node, Map.of()).keySet()) {
      if (!index.containsKey(next)) {
        connect(next, imports, index, low, stack, onStack, components);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      Set<String> component = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(node));
      components.add(component);
    }
  }
}
