# cmake/Install.cmake - what `cmake --install` puts where, per package component:
#   gateway: latchkey-gateway, gateway.conf.example, latchkey-gateway.service, its man
#            pages, the deployment docs, the Mosquitto examples and the broker plugin
#            latchkey_revoke.so (lib/latchkey: /usr/lib/latchkey in the package, the path
#            broker-config writes by default)
#   device:  latchkey-device, device.conf.example, latchkey-device.service, firmware docs,
#            Home Assistant and Raspberry Pi examples
#   certs:   latchkey-certs, the CRL service + timer, certificate and phone docs
# Binaries go to bin, man pages (gzipped) to share/man, docs to share/doc/latchkey-COMPONENT
# (each package its own, with its copyright file), units to lib/systemd/system, the state
# directories' tmpfiles.d entries to lib/tmpfiles.d, config templates to /etc/latchkey (PREFIX/etc/latchkey for a
# prefix other than /usr). cmake/Package.cmake turns the components into .deb packages.
include(GNUInstallDirs)

set(LATCHKEY_COMPONENTS "")
foreach(_pair "latchkey-gateway;gateway" "latchkey-device;device" "latchkey-certs;certs")
  list(GET _pair 0 _target)
  list(GET _pair 1 _comp)
  if(TARGET ${_target})
    install(TARGETS ${_target} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT ${_comp})
    list(APPEND LATCHKEY_COMPONENTS ${_comp})
  endif()
endforeach()

# Files whose paths follow the install prefix (units, config templates): installed by
# cmake/install_configured.cmake at install time, when the final prefix is known
# (cpack installs with prefix /usr whatever the build was configured with).
set(_lk_stage ${CMAKE_BINARY_DIR}/install-staged)
file(MAKE_DIRECTORY ${_lk_stage})
function(latchkey_install_configured comp src dest)
  install(CODE "set(LK_SRC \"${src}\")
set(LK_DEST \"${dest}\")
set(LK_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
set(LK_DOCDIR \"${CMAKE_INSTALL_DATAROOTDIR}/doc\")
set(LK_STAGE \"${_lk_stage}\")
include(\"${PROJECT_SOURCE_DIR}/cmake/install_configured.cmake\")"
    COMPONENT ${comp})
endfunction()

set(_lk_units "@PREFIX@/lib/systemd/system")
set(_src ${PROJECT_SOURCE_DIR})

# Man pages, gzipped at build time (as Debian installs them).
find_program(LATCHKEY_GZIP gzip REQUIRED)
set(_lk_man_gz "")
function(latchkey_man comp page)
  get_filename_component(_sec_ext ${page} LAST_EXT)
  string(SUBSTRING ${_sec_ext} 1 -1 _sec)
  set(_out ${CMAKE_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${_out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${LATCHKEY_GZIP} -9 -n -c ${_src}/docs/man/${page} > ${_out}
    DEPENDS ${_src}/docs/man/${page}
    COMMENT "gzip man page ${page}" VERBATIM)
  install(FILES ${_out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${_sec} COMPONENT ${comp})
  set(_lk_man_gz ${_lk_man_gz} ${_out} PARENT_SCOPE)
endfunction()

# Docs: each file in exactly one package (dpkg refuses two packages owning one path).
# Any docs/*.md not named below goes with the gateway, the package a deployment starts with.
set(_lk_doc_device firmware.md)
set(_lk_doc_certs certs.md phones.md)
file(GLOB _lk_doc_all RELATIVE ${_src}/docs CONFIGURE_DEPENDS ${_src}/docs/*.md)
set(_lk_doc_gateway ${_lk_doc_all})
list(REMOVE_ITEM _lk_doc_gateway ${_lk_doc_device} ${_lk_doc_certs})

# Per package: its doc directory with the copyright file, and its state directory made by
# systemd-tmpfiles at install (postinst) and at boot, before any unit's first start.
function(latchkey_package_files comp)
  set(_doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/latchkey-${comp})
  install(FILES ${_src}/packaging/deb/copyright DESTINATION ${_doc} COMPONENT ${comp})
  install(FILES ${_src}/packaging/tmpfiles/latchkey-${comp}.conf DESTINATION lib/tmpfiles.d COMPONENT ${comp})
endfunction()
foreach(_comp ${LATCHKEY_COMPONENTS})
  latchkey_package_files(${_comp})
endforeach()

if("gateway" IN_LIST LATCHKEY_COMPONENTS)
  set(_lk_doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/latchkey-gateway)
  latchkey_install_configured(gateway ${_src}/examples/config/gateway.conf.example "@ETC@")
  latchkey_install_configured(gateway ${_src}/examples/systemd/latchkey-gateway.service ${_lk_units})
  latchkey_man(gateway latchkey-gateway.8)
  latchkey_man(gateway latchkey-gateway.conf.5)
  list(TRANSFORM _lk_doc_gateway PREPEND ${_src}/docs/)
  install(FILES ${_src}/README.md ${_lk_doc_gateway} DESTINATION ${_lk_doc} COMPONENT gateway)
  install(DIRECTORY ${_src}/docs/images DESTINATION ${_lk_doc} COMPONENT gateway)
  install(DIRECTORY ${_src}/examples/mosquitto DESTINATION ${_lk_doc}/examples COMPONENT gateway)
  if(TARGET latchkey_revoke)
    install(TARGETS latchkey_revoke LIBRARY DESTINATION lib/latchkey COMPONENT gateway)
  endif()
endif()
if("device" IN_LIST LATCHKEY_COMPONENTS)
  set(_lk_doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/latchkey-device)
  latchkey_install_configured(device ${_src}/examples/config/device.conf.example "@ETC@")
  latchkey_install_configured(device ${_src}/examples/systemd/latchkey-device.service ${_lk_units})
  latchkey_man(device latchkey-device.8)
  list(TRANSFORM _lk_doc_device PREPEND ${_src}/docs/)
  install(FILES ${_lk_doc_device} DESTINATION ${_lk_doc} COMPONENT device)
  foreach(_ex homeassistant raspberry-pi)
    install(DIRECTORY ${_src}/examples/${_ex} DESTINATION ${_lk_doc}/examples COMPONENT device)
  endforeach()
endif()
if("certs" IN_LIST LATCHKEY_COMPONENTS)
  set(_lk_doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/latchkey-certs)
  latchkey_install_configured(certs ${_src}/examples/systemd/latchkey-crl.service ${_lk_units})
  latchkey_install_configured(certs ${_src}/examples/systemd/latchkey-crl.timer ${_lk_units})
  latchkey_man(certs latchkey-certs.1)
  # The admin's one-command guest invitation (docs/gateway.md, "Guests"), run on the CA laptop.
  install(PROGRAMS ${_src}/scripts/invite-guest.sh DESTINATION ${CMAKE_INSTALL_BINDIR}
    RENAME latchkey-invite-guest COMPONENT certs)
  list(TRANSFORM _lk_doc_certs PREPEND ${_src}/docs/)
  install(FILES ${_lk_doc_certs} DESTINATION ${_lk_doc} COMPONENT certs)
endif()
if(_lk_man_gz)
  add_custom_target(latchkey_man_pages ALL DEPENDS ${_lk_man_gz})
endif()

include(${CMAKE_CURRENT_LIST_DIR}/Package.cmake)
