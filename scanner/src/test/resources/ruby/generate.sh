#!/usr/bin/env bash
# Regenerates the RubyGems fixture (run from this directory) from the gem specifications that
# Debian's ruby packages installed on this machine (bundled and default gems, plus gems packaged
# by Debian), and records what RubyGems itself loads from them.
set -euo pipefail
rm -rf usr
copy() { mkdir -p "usr/$(dirname "$1")"; cp "/usr/$1" "usr/$1"; }
copy lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec
copy lib/ruby/gems/3.1.0/specifications/minitest-5.15.0.gemspec
copy lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec
copy lib/ruby/gems/3.1.0/specifications/default/bundler-2.3.27.gemspec
ruby -e 'Dir["usr/**/*.gemspec"].sort.each { |f| s = Gem::Specification.load(f); puts "#{s.name} #{s.version} #{s.licenses.join(",")}" }' \
  | sort > expected.txt
