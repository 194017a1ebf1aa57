"""Magento 2.4.8 `Integration/etc/db_schema.xml` (integrations, their OAuth consumers and
tokens; `oauth_token.admin_id` has no foreign key here: the subset has no `admin_user`) and
`Config/etc/db_schema.xml` (`core_config_data`, where `oauth/consumer/
enable_integration_as_bearer` is set)."""

from __future__ import annotations

INTEGRATION: tuple[tuple[str, str], ...] = (
    (
        "oauth_consumer",
        """
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NULL DEFAULT NULL ON UPDATE current_timestamp(),
  name varchar(255) NOT NULL,
  `key` varchar(32) NOT NULL,
  secret varchar(32) NOT NULL,
  callback_url text NULL,
  rejected_callback_url text NOT NULL,
  PRIMARY KEY (entity_id),
  UNIQUE KEY OAUTH_CONSUMER_KEY (`key`),
  UNIQUE KEY OAUTH_CONSUMER_SECRET (secret),
  KEY OAUTH_CONSUMER_CREATED_AT (created_at),
  KEY OAUTH_CONSUMER_UPDATED_AT (updated_at)""",
    ),
    (
        "oauth_token",
        """
  entity_id int unsigned NOT NULL AUTO_INCREMENT,
  consumer_id int unsigned NULL,
  admin_id int unsigned NULL,
  customer_id int unsigned NULL,
  type varchar(16) NOT NULL,
  token varchar(32) NOT NULL,
  secret varchar(32) NOT NULL,
  verifier varchar(32) NULL,
  callback_url text NOT NULL,
  revoked smallint unsigned NOT NULL DEFAULT 0,
  authorized smallint unsigned NOT NULL DEFAULT 0,
  user_type int NULL,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  PRIMARY KEY (entity_id),
  UNIQUE KEY OAUTH_TOKEN_TOKEN (token),
  KEY OAUTH_TOKEN_CONSUMER_ID (consumer_id),
  CONSTRAINT OAUTH_TOKEN_CONSUMER_ID_OAUTH_CONSUMER_ENTITY_ID FOREIGN KEY (consumer_id)
    REFERENCES oauth_consumer (entity_id) ON DELETE CASCADE,
  CONSTRAINT OAUTH_TOKEN_CUSTOMER_ID_CUSTOMER_ENTITY_ENTITY_ID FOREIGN KEY (customer_id)
    REFERENCES customer_entity (entity_id) ON DELETE CASCADE""",
    ),
    (
        "integration",
        """
  integration_id int unsigned NOT NULL AUTO_INCREMENT,
  name varchar(255) NOT NULL,
  email varchar(255) NOT NULL,
  endpoint varchar(255) NULL,
  status smallint unsigned NOT NULL,
  consumer_id int unsigned NULL,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT '0000-00-00 00:00:00' ON UPDATE current_timestamp(),
  setup_type smallint unsigned NOT NULL DEFAULT 0,
  identity_link_url varchar(255) NULL,
  PRIMARY KEY (integration_id),
  UNIQUE KEY INTEGRATION_NAME (name),
  UNIQUE KEY INTEGRATION_CONSUMER_ID (consumer_id),
  CONSTRAINT INTEGRATION_CONSUMER_ID_OAUTH_CONSUMER_ENTITY_ID FOREIGN KEY (consumer_id)
    REFERENCES oauth_consumer (entity_id) ON DELETE CASCADE""",
    ),
    (
        "core_config_data",
        """
  config_id int unsigned NOT NULL AUTO_INCREMENT,
  scope varchar(8) NOT NULL DEFAULT 'default',
  scope_id int NOT NULL DEFAULT 0,
  path varchar(255) NOT NULL DEFAULT 'general',
  value mediumtext NULL,
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  PRIMARY KEY (config_id),
  UNIQUE KEY CORE_CONFIG_DATA_SCOPE_SCOPE_ID_PATH (scope, scope_id, path)""",
    ),
)
