# cmake/Package.cmake - CPack: one Debian package per install component of
# cmake/Install.cmake: latchkey-gateway, latchkey-device, latchkey-certs.
# `cpack -G DEB` in the build directory writes them; library dependencies are computed by
# dpkg-shlibdeps from the binaries (so they name the real Debian 12 runtime packages).
# The postinst scripts (packaging/deb/) create the system user "latchkey" (and, for
# latchkey-certs, "latchkey-ca").
set(LATCHKEY_DEB_MAINTAINER "Latchkey maintainers <maintainers@latchkey.invalid>"
  CACHE STRING "Maintainer field of the .deb packages")

set(CPACK_PACKAGE_NAME latchkey)
set(CPACK_PACKAGE_VENDOR "Latchkey")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${LATCHKEY_DEB_MAINTAINER}")
# No CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPack would put it before each first line below,
# which is each package's own synopsis.
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL ${LATCHKEY_COMPONENTS})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LATCHKEY_DEB_MAINTAINER}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(_lk_deb_common "Latchkey opens a door from a phone with no password and no VPN: only a
phone holding a client certificate from your own CA reaches the page, a PIN is the
second factor, and the command travels as an Ed25519-signed message over mutually
authenticated TLS MQTT to a small device that checks it and pulses a relay.")

set(CPACK_DEBIAN_GATEWAY_PACKAGE_NAME latchkey-gateway)
set(CPACK_DEBIAN_GATEWAY_PACKAGE_SECTION net)
set(CPACK_DEBIAN_GATEWAY_DESCRIPTION "Latchkey gateway: mTLS HTTPS door opener
${_lk_deb_common}

This package holds latchkey-gateway, the HTTPS front end (libwebsockets) that checks the
client certificate and the PIN, signs the command and publishes it over MQTT (Paho),
with a hardened systemd unit and a configuration template in /etc/latchkey, and the
Mosquitto plugin latchkey_revoke (/usr/lib/latchkey) that ends revoked sessions.")
set(CPACK_DEBIAN_GATEWAY_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_GATEWAY_PACKAGE_SUGGESTS "mosquitto, latchkey-certs")

set(CPACK_DEBIAN_DEVICE_PACKAGE_NAME latchkey-device)
set(CPACK_DEBIAN_DEVICE_PACKAGE_SECTION net)
set(CPACK_DEBIAN_DEVICE_DESCRIPTION "Latchkey device: verifies signed commands, drives the relay
${_lk_deb_common}

This package holds latchkey-device, the Linux / Raspberry Pi device program (wolfSSL TLS
1.3, libgpiod relay output), with a hardened systemd unit and a configuration template
in /etc/latchkey.")
set(CPACK_DEBIAN_DEVICE_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_DEVICE_PACKAGE_SUGGESTS "gpiod")

set(CPACK_DEBIAN_CERTS_PACKAGE_NAME latchkey-certs)
set(CPACK_DEBIAN_CERTS_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_CERTS_DESCRIPTION "Latchkey PKI tool: CA, certificates, phone enrollment
${_lk_deb_common}

This package holds latchkey-certs: the CA, server, phone, device and gateway
certificates, the phone's .p12 and one-time enrollment link with a QR code, device
bundles, Mosquitto configurations, revocation, the CRL (with a daily systemd timer) and
the gateway's command key; and latchkey-invite-guest, a guest (certificate, gateway
record over ssh, enrollment link) in one command.")
set(CPACK_DEBIAN_CERTS_PACKAGE_DEPENDS "adduser")
# latchkey-invite-guest --ssh HOST reaches the gateway's machine with ssh.
set(CPACK_DEBIAN_CERTS_PACKAGE_RECOMMENDS "openssh-client")

# Maintainer scripts and conffiles, per component, from packaging/deb/.
foreach(_comp ${LATCHKEY_COMPONENTS})
  string(TOUPPER ${_comp} _COMP)
  set(_dir ${CMAKE_BINARY_DIR}/deb-control/${_comp})
  set(LK_DEB_PACKAGE latchkey-${_comp})
  if(_comp STREQUAL "device")
    set(LK_DEB_GPIO_GROUP 1)
  else()
    set(LK_DEB_GPIO_GROUP 0)
  endif()
  if(_comp STREQUAL "certs")
    set(LK_DEB_CA_USER 1)
    set(LK_DEB_STATE_DIRS "/var/lib/latchkey-ca /etc/latchkey/crl")
  else()
    set(LK_DEB_CA_USER 0)
    set(LK_DEB_STATE_DIRS "/var/lib/latchkey")
  endif()
  if(_comp STREQUAL "device")
    set(LK_DEB_STATE_DIRS "/var/lib/latchkey-device")
  endif()
  configure_file(${PROJECT_SOURCE_DIR}/packaging/deb/postinst.in ${_dir}/postinst @ONLY
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)
  configure_file(${PROJECT_SOURCE_DIR}/packaging/deb/postrm.in ${_dir}/postrm @ONLY
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)
  set(_extra ${_dir}/postinst ${_dir}/postrm)
  if(NOT _comp STREQUAL "certs")
    file(WRITE ${_dir}/conffiles "/etc/latchkey/${_comp}.conf.example\n")
    list(APPEND _extra ${_dir}/conffiles)
  endif()
  set(CPACK_DEBIAN_${_COMP}_PACKAGE_CONTROL_EXTRA ${_extra})
endforeach()

include(CPack)
