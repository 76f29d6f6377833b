package dev.sekisho.scanner.match;

import dev.sekisho.scanner.model.GoSymbols;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.Reachability;
import dev.sekisho.scanner.vulndb.AffectedEntry;
import java.util.List;
import java.util.Map;

/**
 * Whether a Go binary contains the vulnerable code of an advisory, as govulncheck's binary mode
 * decides it from the binary's symbol table and the advisory's {@code
 * ecosystem_specific.imports[]}:
 *
 * <ul>
 *   <li>an import applies when its {@code goos}/{@code goarch} include the binary's platform;
 *   <li>an import with symbols is present when the binary has one of them in that package ({@code
 *       Func}, or {@code T.Method} for {@code T.Method} and {@code (*T).Method});
 *   <li>an import without symbols is present when the binary has any function of the package;
 *   <li>an entry without imports is present when the binary has any function of the module.
 * </ul>
 *
 * One present import makes the finding {@link Reachability#REACHABLE}. None present is {@link
 * Reachability#UNREACHABLE} only when the symbol table was read completely (with the inline trees
 * of the binary's {@code .symtab}); without them an absent symbol may have been inlined and the
 * answer is {@link Reachability#UNKNOWN}, as it is when the symbols were not read at all.
 */
final class GoReachability {
  private GoReachability() {}

  /** The reachability of a finding of {@code p} from {@code entries}; null when not a Go binary. */
  static Reachability of(Package p, List<AffectedEntry> entries) {
    if (!(p.metadata() instanceof PackageMetadata.GoModule go)) {
      return null;
    }
    GoSymbols symbols = go.symbols();
    if (symbols == null) {
      return Reachability.UNKNOWN;
    }
    for (AffectedEntry e : entries) {
      if (present(e, symbols, go.goos(), go.goarch())) {
        return Reachability.REACHABLE;
      }
    }
    return symbols.complete() ? Reachability.UNREACHABLE : Reachability.UNKNOWN;
  }

  private static boolean present(AffectedEntry e, GoSymbols symbols, String goos, String goarch) {
    if (e.imports().isEmpty()) {
      for (Map.Entry<String, List<String>> pkg : symbols.packages().entrySet()) {
        if (!pkg.getValue().isEmpty()) {
          return true;
        }
      }
      return false;
    }
    for (AffectedEntry.GoImport i : e.imports()) {
      if (!i.platform().includes(goos, goarch)) {
        continue;
      }
      List<String> have = symbols.symbols(i.path());
      if (have.isEmpty()) {
        continue;
      }
      if (i.symbols().isEmpty()) {
        return true;
      }
      for (String s : i.symbols()) {
        if (have.contains(s)) {
          return true;
        }
      }
    }
    return false;
  }
}
