// MySQL doctor text: SHOW GRANTS lines -> rights, the least-privilege statements, the self-test
// statement and the columns its literals are read as. Against a server: tests/e2e/doctor_mysql_test.cpp.
#include <gtest/gtest.h>

#include "../../src/connector/mysql/my_doctor.hpp"
#include "../../src/connector/mysql/my_grants.hpp"
#include "../../src/connector/mysql/my_selftest.hpp"

namespace recon::my {
namespace {

using Strings = std::vector<std::string>;

TEST(MysqlGrants, GlobalSchemaTableAndColumnGrantsAreRead) {
  // As MariaDB 10.11 prints them (role grant and password hash included).
  const auto g = parse_grants({"GRANT `r1` TO `rw`@`%`",
                               "GRANT USAGE ON *.* TO `rw`@`%` IDENTIFIED BY PASSWORD '*B69027'",
                               "GRANT SELECT, INSERT ON `d`.* TO `rw`@`%`",
                               "GRANT UPDATE (`v`, `w`), SELECT (`id`) ON `d`.`t``x` TO `rw`@`%`",
                               "GRANT EXECUTE ON PROCEDURE `d`.`p` TO `rw`@`%`",
                               "GRANT DELETE ON `my\\_db`.`t` TO `r1`"});
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g[0].database, "*");
  EXPECT_EQ(g[1].database, "d");
  EXPECT_EQ(g[1].table, "*");
  EXPECT_EQ(g[2].table, "t`x");
  EXPECT_EQ(g[2].privileges, (Strings{"UPDATE", "SELECT"}));
  EXPECT_EQ(g[3].database, "my_db");
  EXPECT_EQ(all_powerful_role(g), "");
  EXPECT_TRUE(grants_select(g, "d", "other"));
  EXPECT_FALSE(grants_select(g, "e", "t"));
  EXPECT_EQ(write_rights(g, "d", "t`x"), (Strings{"INSERT", "UPDATE"}));
  EXPECT_EQ(write_rights(g, "my_db", "t"), (Strings{"DELETE"}));
  EXPECT_TRUE(write_rights(g, "e", "t").empty());
}

TEST(MysqlGrants, AllPrivilegesAndSuperOnStarStarAreAllPowerful) {
  const auto all = parse_grants({"GRANT ALL PRIVILEGES ON *.* TO `recon`@`%` IDENTIFIED BY PASSWORD '*1'"});
  EXPECT_EQ(all_powerful_role(all), "ALL PRIVILEGES");
  EXPECT_EQ(write_rights(all, "d", "t"), (Strings{"INSERT", "UPDATE", "DELETE", "ALTER", "DROP", "INDEX", "TRIGGER"}));
  EXPECT_EQ(all_powerful_role(parse_grants({"GRANT SELECT, SUPER ON *.* TO `u`@`%`"})), "SUPER");
  // ALL on one database is not all-powerful, only rights on its tables.
  EXPECT_EQ(all_powerful_role(parse_grants({"GRANT ALL PRIVILEGES ON `d`.* TO `u`@`%`"})), "");
}

TEST(MysqlGrants, RolesGrantedToTheLoginAreNamed) {
  EXPECT_EQ(granted_roles({"GRANT `r1` TO `rw`@`%`", "GRANT `rds_superuser_role`@`%`,`r``2`@`%` TO `admin`@`%`",
                           "GRANT SELECT ON *.* TO `admin`@`%`"}),
            (Strings{"r1", "rds_superuser_role", "r`2"}));
}

TEST(MysqlDoctor, LeastPrivilegeReaderAndApplyLogins) {
  TableRef t1{"", "orders"}, t2{"sales", "it's"};
  const Strings reader = least_privilege_sql({t1, t2}, "recon_reader", false, "shop");
  ASSERT_EQ(reader.size(), 4u);
  EXPECT_EQ(reader[1], "CREATE USER IF NOT EXISTS 'recon_reader'@'%' IDENTIFIED BY '<password>';");
  EXPECT_EQ(reader[2], "GRANT SELECT ON `shop`.`orders` TO 'recon_reader'@'%';");
  EXPECT_EQ(reader[3], "GRANT SELECT ON `sales`.`it's` TO 'recon_reader'@'%';");
  // As doctor asks for recon apply's login: <role>_apply, with writes.
  const Strings apply = least_privilege_sql({t1}, "o'k_apply", true, "shop");
  ASSERT_EQ(apply.size(), 3u);
  EXPECT_EQ(apply[0].rfind("--", 0), 0u);
  EXPECT_EQ(apply[1], "CREATE USER IF NOT EXISTS 'o''k_apply'@'%' IDENTIFIED BY '<password>';");
  EXPECT_EQ(apply[2], "GRANT SELECT, INSERT, UPDATE, DELETE ON `shop`.`orders` TO 'o''k_apply'@'%';");
}

TEST(MysqlSelfTest, LiteralsAreSelectedAsRangeReadsSelectTheirColumns) {
  const std::vector<LiteralProbe> probes = {{"float", "CAST(1.5 AS FLOAT)"},
                                            {"bit(5)", "b'00101' + 0"},
                                            {"decimal(65,30)", "CAST('1.5' AS DECIMAL(65,30))"}};
  EXPECT_EQ(literals_select(probes),
            "SELECT ((CAST(1.5 AS FLOAT)) + 0e0), LPAD(BIN((b'00101' + 0)), 5, '0'), (CAST('1.5' AS DECIMAL(65,30)))");
  const SelectColumn d = probe_column(probes[2], 2);
  EXPECT_EQ(d.compare_as, TypeClass::Decimal);
  EXPECT_EQ(d.native.scale, 30);
  EXPECT_EQ(probe_column({"bigint unsigned", "x"}, 0).compare_as, TypeClass::Decimal);
  EXPECT_EQ(probe_column({"tinyint(1)", "x"}, 0).compare_as, TypeClass::Boolean);
  EXPECT_EQ(probe_column({"timestamp(6)", "x"}, 0).compare_as, TypeClass::TimestampTz);
  EXPECT_EQ(probe_column({"timestamp(6)", "x"}, 0).native.precision, 6);
  EXPECT_TRUE(probe_column({"char(4)", "x"}, 0).trim_padding);
  EXPECT_EQ(probe_column({"json", "x"}, 0).compare_as, TypeClass::Json);
  EXPECT_EQ(probe_column({"year", "x"}, 0).compare_as, TypeClass::Integer);
}

}  // namespace
}  // namespace recon::my
