package dev.sekisho.scanner.vex;

import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Vulnerability;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The VEX statements a scan is judged with, indexed by vulnerability id and alias.
 *
 * <p>A statement is about a finding when it names the finding's id or one of its aliases (or the
 * finding names the statement's id or one of its aliases), and one of its products is about the
 * finding's package: a product without subcomponents that identifies the scanned image (all its
 * packages) or the package itself; a product with subcomponents that identifies the image, with a
 * subcomponent that identifies the package. Identifying is {@link Purl#covers}. Of the statements
 * about a finding, the latest (by timestamp; statements without one are the oldest) decides; at the
 * same time a status that does not suppress wins. The finding is suppressed when that status is
 * not_affected or fixed.
 */
public final class VexStatements {
  private static final VexStatements NONE = new VexStatements(List.of());

  private final List<VexStatement> all;
  private final Map<String, List<VexStatement>> byId = new HashMap<>();

  private VexStatements(List<VexStatement> statements) {
    this.all = List.copyOf(statements);
    for (VexStatement s : all) {
      Set<String> keys = new LinkedHashSet<>();
      keys.add(key(s.vulnerability()));
      s.aliases().forEach(a -> keys.add(key(a)));
      for (String k : keys) {
        byId.computeIfAbsent(k, x -> new ArrayList<>()).add(s);
      }
    }
  }

  /** No statements. */
  public static VexStatements none() {
    return NONE;
  }

  /** The statements of {@code documents}. */
  public static VexStatements of(List<VexDocument> documents) {
    List<VexStatement> statements = new ArrayList<>();
    for (VexDocument d : documents) {
      statements.addAll(d.statements());
    }
    return statements.isEmpty() ? NONE : new VexStatements(statements);
  }

  /** These statements and {@code more}'s. */
  public VexStatements and(VexStatements more) {
    if (more.all.isEmpty()) {
      return this;
    }
    if (all.isEmpty()) {
      return more;
    }
    List<VexStatement> joined = new ArrayList<>(all);
    joined.addAll(more.all);
    return new VexStatements(joined);
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  public List<VexStatement> all() {
    return all;
  }

  /** The statement that suppresses {@code v} in {@code image}, if the deciding one does. */
  public Optional<VexStatement> suppressing(Vulnerability v, ImageFacts image) {
    if (all.isEmpty()) {
      return Optional.empty();
    }
    Set<VexStatement> candidates = new LinkedHashSet<>();
    candidates.addAll(byId.getOrDefault(key(v.id()), List.of()));
    for (String alias : v.aliases()) {
      candidates.addAll(byId.getOrDefault(key(alias), List.of()));
    }
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    Purl pkg = Purl.parse(v.pkg().purl()).orElse(null);
    Purl img = ImagePurl.of(image).orElse(null);
    VexStatement deciding = null;
    for (VexStatement s : candidates) {
      if (!about(s, img, pkg)) {
        continue;
      }
      if (deciding == null || later(s, deciding)) {
        deciding = s;
      }
    }
    return deciding != null && deciding.status().suppresses()
        ? Optional.of(deciding)
        : Optional.empty();
  }

  private static boolean later(VexStatement s, VexStatement than) {
    Instant a = s.timestamp() == null ? Instant.MIN : s.timestamp();
    Instant b = than.timestamp() == null ? Instant.MIN : than.timestamp();
    int c = a.compareTo(b);
    return c > 0 || (c == 0 && !s.status().suppresses() && than.status().suppresses());
  }

  static boolean about(VexStatement s, Purl image, Purl pkg) {
    // "fixed" is a claim about versions: a purl without one would make it hide vulnerable ones
    boolean fixed = s.status() == VexStatus.FIXED;
    for (VexProduct p : s.products()) {
      boolean isImage = image != null && namesAnImage(p.product()) && p.product().covers(image);
      if (p.subcomponents().isEmpty()) {
        if ((isImage || (pkg != null && p.product().covers(pkg)))
            && (!fixed || p.product().version() != null)) {
          return true;
        }
      } else if (isImage && pkg != null) {
        for (Purl sub : p.subcomponents()) {
          if (sub.covers(pkg) && (!fixed || sub.version() != null)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * An OCI product names an image only with its digest or its {@code repository_url}: a bare {@code
   * pkg:oci/app} would cover every repository whose last segment is {@code app}.
   */
  private static boolean namesAnImage(Purl product) {
    return !"oci".equals(product.type())
        || product.version() != null
        || product.qualifiers().containsKey("repository_url");
  }

  private static String key(String id) {
    return id.strip().toUpperCase(Locale.ROOT);
  }
}
