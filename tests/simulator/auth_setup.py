"""Command-line options and start-up of the simulator's Kerberos and ADFS authentication (issue 14).

cli.py calls :func:`add_arguments` on its parser and :func:`setup` once the server is bound; the
returned keys go into ``simulator.json``.
"""

from . import adfs, kerberos


def add_arguments(parser):
    g = parser.add_argument_group("Kerberos and ADFS (see tests/simulator/README.md)")
    g.add_argument("--keytab", default=None,
                   help="keytab with the HTTP/<host> service keys: accept Kerberos in Negotiate besides NTLM "
                        "(the process also needs KRB5_CONFIG for the realm)")
    g.add_argument("--kerberos-user", action="append", default=[], metavar="PRINCIPAL=USER",
                   help="map a realm principal to a simulator user (operator, reader, jdoe, bearer); repeatable. "
                        "Unmapped principals map by their first component (operator@REALM is operator)")
    g.add_argument("--adfs-client", action="append", default=[], metavar="CLIENT_ID[=USER]",
                   help="register an ADFS client (client credentials grant) at /adfs/oauth2/token; its tokens act "
                        "as USER (default bearer, an operator). The secret is generated and put in simulator.json")
    g.add_argument("--adfs-resource", default=None,
                   help="the resource (relying party identifier) tokens are issued for "
                        "(default https://<host>:<port>/certificatemanagement)")
    g.add_argument("--adfs-token-lifetime", type=float, default=3600.0,
                   help="seconds an issued token is accepted (default 3600)")
    g.add_argument("--adfs-advertised-lifetime", type=float, default=None,
                   help="expires_in the token endpoint announces (default: the real lifetime; longer makes tokens "
                        "expire before the client expects, to test renewal on 401)")


def setup(server, args, url, users_by_key):
    """Configure ``server`` from the options; returns the ``simulator.json`` entries. Raises ValueError."""
    info = {}
    if args.keytab:
        keytab = kerberos.configure(args.keytab)
        server.kerberos_users = kerberos.KerberosUsers(users_by_key, kerberos.parse_user_map(args.kerberos_user))
        info["kerberos"] = {"keytab": keytab, "users": dict(server.kerberos_users.mapping)}
    elif args.kerberos_user:
        raise ValueError("--kerberos-user needs --keytab")
    if args.adfs_client:
        if args.adfs_token_lifetime <= 0:
            raise ValueError("--adfs-token-lifetime must be more than 0 seconds")
        resource = args.adfs_resource or url + "/certificatemanagement"
        server.adfs = adfs.AdfsIssuer(adfs.parse_clients(args.adfs_client), users_by_key, resource, server.stats,
                                      lifetime=args.adfs_token_lifetime,
                                      advertised_lifetime=args.adfs_advertised_lifetime)
        info["adfs"] = server.adfs.info(url)
    return info
