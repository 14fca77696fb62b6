# Kerberos for the test suite (issue 14): the MIT KDC the tests start on loopback needs the Debian packages
# krb5-kdc krb5-admin-server krb5-user libkrb5-dev, and auth=kerberos needs gssapi, krb5 and requests-gssapi
# in .venv (requirements-kerberos.txt; they compile against libkrb5-dev, so they are not in
# requirements-dev.txt). `make test` runs this first. As root with apt-get it installs what is missing;
# elsewhere it prints one loud line and the Kerberos tests skip (or fail when CI is set).

.PHONY: kerberos-bootstrap

kerberos-bootstrap: venv
	@$(BIN)/python mk/kerberos_bootstrap.py
