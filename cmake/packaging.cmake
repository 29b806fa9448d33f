# `cmake --install` rules and the Debian package (docs/deploy.md):
# `cpack --config build/CPackConfig.cmake` writes onset_VERSION_ARCH.deb with
# the four programs in /usr/bin, the default catalog as a conffile in
# /etc/onset, the systemd unit, an example cluster file, and the script that
# makes the cluster's certificates (/usr/share/onset/cluster-certs.sh). Its maintainer
# scripts (deploy/debian) make the `onset` system user and /var/lib/onset.
#
# /etc/onset and the unit's directory are absolute: a package puts them
# there whatever its prefix. `cmake --install` outside a package wants
# DESTDIR (or root).
include(GNUInstallDirs)

# `install` and cpack install what is built, and build nothing: without
# this, cpack builds every target (the tests and benchmarks too) first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

install(TARGETS onset-node onset onset-fleet onset-chaos
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES config/catalog.json DESTINATION /etc/onset)
install(PROGRAMS scripts/cluster-certs.sh
  DESTINATION ${CMAKE_INSTALL_DATADIR}/onset)
install(FILES deploy/systemd/onset-node@.service
  DESTINATION /lib/systemd/system)
install(FILES deploy/cluster-example.json deploy/cluster-local.json
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME onset)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Onset maintainers <onset@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Onset: provisioning of printer service contracts")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Stripped: a quarter of the size, and the package is built in CI.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# The shared libraries' packages, from dpkg-shlibdeps; adduser for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
# cluster-certs.sh runs the openssl command (on whichever machine makes the
# certificates).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "openssl")
# The conffiles list and the maintainer scripts; CPack marks no conffile
# itself.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${PROJECT_SOURCE_DIR}/deploy/debian/conffiles"
  "${PROJECT_SOURCE_DIR}/deploy/debian/postinst"
  "${PROJECT_SOURCE_DIR}/deploy/debian/prerm"
  "${PROJECT_SOURCE_DIR}/deploy/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
