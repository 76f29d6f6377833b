package dev.sekisho.scanner.model;

/**
 * A file an OS package installed, with the checksum its package database recorded for it.
 *
 * @param path path without a leading slash, e.g. usr/share/perl/5.36.0/Module/CoreList.pm
 * @param packageName the package that installed it
 * @param digest the recorded checksum as {@code algorithm:hex}, e.g. {@code md5:0123…} (dpkg) or
 *     {@code sha1:0123…} (apk)
 */
public record InstalledFile(String path, String packageName, String digest) {}
