/* test_tcp_nodelay.c - TCP_NODELAY is set on this process's socket connected to a given
 * port (a loopback listener standing in for the broker) and on no other socket; the port
 * is read from MQTT URIs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp_nodelay.h"

static int nodelay(int fd)
{
    int v = -1;
    socklen_t len = sizeof v;
    assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len), 0);
    return v;
}

static void test_sets_only_the_broker_socket(void **state)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int lst, cli, acc, other, port;
    (void)state;

    lst = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(lst >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(lst, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lst, 4), 0);
    assert_int_equal(getsockname(lst, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    cli = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(cli, (struct sockaddr *)&a, sizeof a), 0);
    acc = accept(lst, NULL, NULL);
    assert_true(acc >= 0);
    other = socket(AF_INET, SOCK_STREAM, 0); /* not connected */

    assert_int_equal(nodelay(cli), 0);
    assert_int_equal(tcp_nodelay_to_port(port), 1);
    assert_int_not_equal(nodelay(cli), 0);
    assert_int_equal(nodelay(acc), 0);   /* its peer is the client's ephemeral port */
    assert_int_equal(nodelay(other), 0);
    assert_int_equal(tcp_nodelay_to_port(port == 65535 ? 1 : port + 1), 0);

    close(other);
    close(acc);
    close(cli);
    close(lst);
}

static void test_uri_port(void **state)
{
    (void)state;
    assert_int_equal(tcp_nodelay_uri_port("ssl://localhost:8883"), 8883);
    assert_int_equal(tcp_nodelay_uri_port("mqtts://[::1]:18883"), 18883);
    assert_int_equal(tcp_nodelay_uri_port("ssl://[::1]"), -1);
    assert_int_equal(tcp_nodelay_uri_port("ssl://host:"), -1);
    assert_int_equal(tcp_nodelay_uri_port("ssl://host:88x"), -1);
    assert_int_equal(tcp_nodelay_uri_port("ssl://host:70000"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sets_only_the_broker_socket),
        cmocka_unit_test(test_uri_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
