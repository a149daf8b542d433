# cmake/install_configured.cmake - runs at install time (install(CODE) of cmake/Install.cmake):
# copies one file, with its installed paths fitted to the install prefix, to a directory.
# In: LK_SRC (the file), LK_DEST (directory, may use @ETC@ and @PREFIX@), LK_BINDIR,
# LK_DOCDIR (share/doc, relative to the prefix). Paths in the file are written for the
# Debian layout (/usr/bin, /etc/latchkey, /usr/share/doc/latchkey-PACKAGE); a prefix other than /usr moves them
# like GNUInstallDirs moves sysconfdir (/usr -> /etc, anything else -> PREFIX/etc).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_etc "/etc/latchkey")
else()
  set(_etc "${CMAKE_INSTALL_PREFIX}/etc/latchkey")
endif()
file(READ "${LK_SRC}" _text)
string(REPLACE "/usr/share/doc/" "${CMAKE_INSTALL_PREFIX}/${LK_DOCDIR}/" _text "${_text}")
string(REPLACE "/usr/bin/latchkey-" "${CMAKE_INSTALL_PREFIX}/${LK_BINDIR}/latchkey-" _text "${_text}")
string(REPLACE "/etc/latchkey" "${_etc}" _text "${_text}")
string(REPLACE "@ETC@" "${_etc}" _dest "${LK_DEST}")
string(REPLACE "@PREFIX@" "${CMAKE_INSTALL_PREFIX}" _dest "${_dest}")
get_filename_component(_name "${LK_SRC}" NAME)
# Staged in the build tree, then installed by file(INSTALL): DESTDIR and the install
# manifest are handled as for any other file.
set(_stage "${LK_STAGE}/${_name}")
file(WRITE "${_stage}" "${_text}")
file(INSTALL DESTINATION "${_dest}" TYPE FILE
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES "${_stage}")
