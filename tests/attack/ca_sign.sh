# ca_sign.sh - signing client certificates by hand with a site's own CA and the openssl CLI,
# with any dates, digest or name (sourced, by the attack tests). ca_sign_init SITE OUT sets
# up an openssl "ca" database under OUT (OUT/ca.cnf, OUT/ca-db/, OUT/client.ext,
# OUT/server.ext); then newkey, csr, ca_sign and now_plus.

ca_sign_init() {
  CA_SITE=$1 CA_OUT=$2
  mkdir -p "$CA_OUT/ca-db/new"
  : > "$CA_OUT/ca-db/index.txt"
  echo 1000 > "$CA_OUT/ca-db/serial"
  cat > "$CA_OUT/ca.cnf" <<CNF
[ ca ]
default_ca = lk
[ lk ]
database = $CA_OUT/ca-db/index.txt
new_certs_dir = $CA_OUT/ca-db/new
serial = $CA_OUT/ca-db/serial
policy = any
unique_subject = no
copy_extensions = none
[ any ]
commonName = supplied
CNF
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > "$CA_OUT/client.ext"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' > "$CA_OUT/server.ext"
}

q() { "$@" >/dev/null 2>&1 || { echo "ca_sign.sh: failed: $*" >&2; exit 1; }; }
newkey() { q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
# csr KEY CN OUT: a request for CN (UTF-8 allowed).
csr() { q openssl req -new -utf8 -key "$1" -subj "/CN=$2" -out "$3"; }
# ca_sign CSR OUT EXT START END MD: the site's own CA signs, with chosen dates and digest.
ca_sign() {
  q openssl ca -batch -notext -utf8 -config "$CA_OUT/ca.cnf" -cert "$CA_SITE/pki/ca/ca.crt" \
    -keyfile "$CA_SITE/pki/ca/ca.key" -passin "file:$CA_SITE/ca.passphrase" -in "$1" -out "$2" \
    -extfile "$3" -startdate "$4" -enddate "$5" -md "$6"
}
now_plus() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
