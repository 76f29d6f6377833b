package dev.sekisho.scanner.match;

import dev.sekisho.scanner.version.InvalidVersionException;
import dev.sekisho.scanner.version.SemVer;
import dev.sekisho.scanner.version.VersionScheme;
import dev.sekisho.scanner.vulndb.AffectedEntry;
import dev.sekisho.scanner.vulndb.OsvRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a version is inside an OSV affected entry, as the OSV schema's evaluation
 * algorithm says: a version listed in {@code versions} is affected; for each SEMVER or ECOSYSTEM
 * range the events are sorted by version ({@code introduced: "0"} first) and walked, {@code
 * introduced} opening, {@code fixed} (at or above) and {@code last_affected} (above) closing an
 * interval; a version at or above a {@code limit} is outside the range.
 */
final class AffectedCheck {

  private static final Logger LOG = LoggerFactory.getLogger(AffectedCheck.class);

  /**
   * The outcome for one entry.
   *
   * @param affected the version is affected
   * @param fixedVersions fixed versions above the installed one from the ranges that affect it
   */
  record Outcome(boolean affected, List<String> fixedVersions) {}

  private AffectedCheck() {}

  static Outcome check(VersionScheme ecosystemScheme, String version, AffectedEntry entry) {
    boolean affected = false;
    List<String> fixed = new ArrayList<>();
    for (String listed : entry.versions()) {
      if (listed.equals(version) || equalIn(ecosystemScheme, listed, version)) {
        affected = true;
        break;
      }
    }
    for (OsvRecord.Range range : entry.ranges()) {
      VersionScheme scheme = "SEMVER".equals(range.type()) ? SemVer.SCHEME : ecosystemScheme;
      try {
        Optional<String> fix = inRange(scheme, version, range);
        if (fix != null) {
          affected = true;
          fix.ifPresent(fixed::add);
        } else if (affected) {
          // listed explicitly: still report the fixes above the installed version
          nextFix(scheme, version, range).ifPresent(fixed::add);
        }
      } catch (InvalidVersionException e) {
        LOG.debug(
            "cannot evaluate range ecosystem={} package={} version={}: {}",
            entry.ecosystem(),
            entry.name(),
            version,
            e.getMessage());
      }
    }
    return new Outcome(affected, fixed);
  }

  private static boolean equalIn(VersionScheme scheme, String a, String b) {
    try {
      return scheme.compare(a, b) == 0;
    } catch (InvalidVersionException e) {
      return false;
    }
  }

  /**
   * Null when the version is outside the range; else the fix that closes its interval (empty when
   * the interval is open or closed by last_affected).
   */
  private static Optional<String> inRange(VersionScheme scheme, String v, OsvRecord.Range range) {
    List<OsvRecord.Event> events = sorted(scheme, range.events());
    for (OsvRecord.Event e : events) {
      if (e.limit() != null && !"*".equals(e.limit()) && scheme.compare(v, e.limit()) >= 0) {
        return null;
      }
    }
    boolean vulnerable = false;
    for (OsvRecord.Event e : events) {
      if (e.introduced() != null) {
        if ("0".equals(e.introduced()) || scheme.compare(v, e.introduced()) >= 0) {
          vulnerable = true;
        }
      } else if (e.fixed() != null) {
        if (scheme.compare(v, e.fixed()) >= 0) {
          vulnerable = false;
        }
      } else if (e.lastAffected() != null) {
        if (scheme.compare(v, e.lastAffected()) > 0) {
          vulnerable = false;
        }
      }
    }
    return vulnerable ? nextFix(scheme, v, range) : null;
  }

  /** The lowest fixed version above {@code v} in a range. */
  private static Optional<String> nextFix(VersionScheme scheme, String v, OsvRecord.Range range) {
    String best = null;
    for (OsvRecord.Event e : range.events()) {
      if (e.fixed() != null
          && scheme.compare(e.fixed(), v) > 0
          && (best == null || scheme.compare(e.fixed(), best) < 0)) {
        best = e.fixed();
      }
    }
    return Optional.ofNullable(best);
  }

  private static String versionOf(OsvRecord.Event e) {
    if (e.introduced() != null) {
      return e.introduced();
    } else if (e.fixed() != null) {
      return e.fixed();
    } else if (e.lastAffected() != null) {
      return e.lastAffected();
    }
    return e.limit();
  }

  private static List<OsvRecord.Event> sorted(VersionScheme scheme, List<OsvRecord.Event> events) {
    List<OsvRecord.Event> out = new ArrayList<>();
    for (OsvRecord.Event e : events) {
      String v = versionOf(e);
      if (v == null || (e.limit() != null && "*".equals(v))) {
        continue;
      }
      out.add(e);
    }
    Comparator<OsvRecord.Event> byVersion =
        (a, b) -> {
          boolean a0 = "0".equals(a.introduced());
          boolean b0 = "0".equals(b.introduced());
          if (a0 || b0) {
            return Boolean.compare(b0, a0);
          }
          return scheme.compare(versionOf(a), versionOf(b));
        };
    out.sort(byVersion);
    return out;
  }
}
