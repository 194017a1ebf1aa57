"""Magento 2.4.8 `Authorization/etc/db_schema.xml`: admin roles ('G' group roles, 'U' rows
tying an admin user to a group through `parent_id`) and the ACL rules of each role."""

from __future__ import annotations

AUTHORIZATION: tuple[tuple[str, str], ...] = (
    (
        "authorization_role",
        """
  role_id int unsigned NOT NULL AUTO_INCREMENT,
  parent_id int unsigned NOT NULL DEFAULT 0,
  tree_level smallint unsigned NOT NULL DEFAULT 0,
  sort_order smallint unsigned NOT NULL DEFAULT 0,
  role_type varchar(1) NOT NULL DEFAULT '0',
  user_id int unsigned NOT NULL DEFAULT 0,
  user_type varchar(16) NULL,
  role_name varchar(50) NULL,
  PRIMARY KEY (role_id),
  KEY AUTHORIZATION_ROLE_PARENT_ID_SORT_ORDER (parent_id, sort_order),
  KEY AUTHORIZATION_ROLE_TREE_LEVEL (tree_level)""",
    ),
    (
        "authorization_rule",
        """
  rule_id int unsigned NOT NULL AUTO_INCREMENT,
  role_id int unsigned NOT NULL DEFAULT 0,
  resource_id varchar(255) NULL,
  privileges varchar(20) NULL,
  permission varchar(10) NULL,
  PRIMARY KEY (rule_id),
  KEY AUTHORIZATION_RULE_RESOURCE_ID_ROLE_ID (resource_id, role_id),
  KEY AUTHORIZATION_RULE_ROLE_ID_RESOURCE_ID (role_id, resource_id),
  CONSTRAINT AUTHORIZATION_RULE_ROLE_ID_AUTHORIZATION_ROLE_ROLE_ID FOREIGN KEY (role_id)
    REFERENCES authorization_role (role_id) ON DELETE CASCADE""",
    ),
)
