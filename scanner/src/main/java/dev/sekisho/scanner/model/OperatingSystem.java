package dev.sekisho.scanner.model;

/**
 * The image's operating system as /etc/os-release (or a fallback) describes it.
 *
 * @param family os-release ID, lower case (debian, ubuntu, alpine, rhel, rocky, almalinux, wolfi,
 *     …)
 * @param version VERSION_ID (12, 22.04, 3.20.3, 9.4 …); may be null (e.g. Debian sid)
 * @param codename VERSION_CODENAME when given (bookworm, jammy), else null
 * @param prettyName PRETTY_NAME when given, else null
 */
public record OperatingSystem(String family, String version, String codename, String prettyName) {}
