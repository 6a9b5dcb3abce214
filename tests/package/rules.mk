# SPDX-License-Identifier: MIT
#
# make check-man: the manual pages through mandoc -Tlint and groff's warnings
#   (as lintian runs man), and every command, option, column, policy key and
#   exit status that the programs offer documented in them.
# make check-package: the shipped policy file and bash completion, the Debian
#   package (packaging/build-deb; lintian clean; installed, inspected and
#   purged again when run as root on a machine without it) and the RPM
#   (packaging/build-rpm), each holding exactly what 'make install' installs
#   with the same directories. Packages and logs in $(O)/package.
# Both install their tools first when run as root. See tests/package/run.

.PHONY: check-man check-package man-deps package-deps

man-deps: deps
	@packaging/install-deps mandoc man-db groff-base

# dpkg-checkbuilddeps wants build-essential; rpmspec and rpmbuild come with rpm.
package-deps: deps
	@packaging/install-deps build-essential dpkg-dev debhelper lintian rpm man-db \
		bash-completion

check-man: man-deps
	@$(MAKE) --no-print-directory -s $(PROGRAMS)
	@tests/package/run man $(O)

check-package: package-deps
	@$(MAKE) --no-print-directory -s $(PROGRAMS)
	@tests/package/run package $(O)
