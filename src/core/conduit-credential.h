/* conduit-credential.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CONDUIT_CREDENTIAL_ERROR (conduit_credential_error_quark ())

typedef enum
{
  CONDUIT_CREDENTIAL_ERROR_FAILED,
  CONDUIT_CREDENTIAL_ERROR_INVALID,     /* a malformed credential or a missing required field */
  CONDUIT_CREDENTIAL_ERROR_NOT_FOUND,   /* not in the keyring (nor in the environment) */
  CONDUIT_CREDENTIAL_ERROR_LOCKED,      /* the keyring holding it is locked */
  CONDUIT_CREDENTIAL_ERROR_NO_KEYRING,  /* no Secret Service answers in this session */
  CONDUIT_CREDENTIAL_ERROR_READ_ONLY,   /* it comes from an environment variable */
  CONDUIT_CREDENTIAL_ERROR_REJECTED,    /* a server refused it */
  CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN, /* a browser sign-in is missing or was revoked */
} ConduitCredentialError;

typedef enum
{
  CONDUIT_CREDENTIAL_KIND_API_KEY,
  CONDUIT_CREDENTIAL_KIND_BEARER,
  CONDUIT_CREDENTIAL_KIND_BASIC,
  CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS,
  CONDUIT_CREDENTIAL_KIND_HMAC,
  CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE,
  CONDUIT_CREDENTIAL_KIND_JWT_BEARER,
  /* databases (conduit-db.h) */
  CONDUIT_CREDENTIAL_KIND_POSTGRESQL,
  CONDUIT_CREDENTIAL_KIND_MYSQL,
  /* e-mail (conduit-mail.h) */
  CONDUIT_CREDENTIAL_KIND_SMTP,
  CONDUIT_CREDENTIAL_KIND_IMAP,
  /* file transfer (conduit-sftp.h) */
  CONDUIT_CREDENTIAL_KIND_SFTP,
} ConduitCredentialKind;

#define CONDUIT_CREDENTIAL_N_KINDS (CONDUIT_CREDENTIAL_KIND_SFTP + 1)

/* What a kind of credential holds. The table is static: the CLI and the manager build their
 * forms from it, the store turns non-secret fields into keyring attributes. */
typedef struct
{
  const char         *key;
  const char         *label;          /* translatable, mark with N_() */
  const char         *help;           /* translatable */
  gboolean            secret;
  gboolean            required;
  const char         *default_value;  /* (nullable) */
  const char * const *allowed_values; /* (nullable) */
  gboolean            allow_empty;    /* "" is a value of its own, not "use the default" */
  gboolean            managed;        /* written by Conduit (a sign-in), never typed in a form */
} ConduitCredentialFieldSpec;

#define CONDUIT_TYPE_CREDENTIAL (conduit_credential_get_type ())

G_DECLARE_FINAL_TYPE (ConduitCredential, conduit_credential, CONDUIT, CREDENTIAL, GObject)

GQuark                            conduit_credential_error_quark         (void);

const char                       *conduit_credential_kind_to_string      (ConduitCredentialKind  kind);
gboolean                          conduit_credential_kind_from_string    (const char            *text,
                                                                          ConduitCredentialKind *kind);
const char                       *conduit_credential_kind_get_label      (ConduitCredentialKind  kind);
const ConduitCredentialFieldSpec *conduit_credential_kind_get_fields     (ConduitCredentialKind  kind,
                                                                          guint                 *n_fields);
const ConduitCredentialFieldSpec *conduit_credential_kind_find_field     (ConduitCredentialKind  kind,
                                                                          const char            *key);
const ConduitCredentialFieldSpec *conduit_credential_kind_get_secret_field (ConduitCredentialKind kind);

char                             *conduit_credential_dup_env_name        (const char            *id);
gboolean                          conduit_credential_id_is_valid         (const char            *id);

ConduitCredential                *conduit_credential_new                 (const char            *id,
                                                                          ConduitCredentialKind  kind);
ConduitCredential                *conduit_credential_new_from_json       (JsonNode              *node,
                                                                          const char            *id,
                                                                          GError               **error);
ConduitCredential                *conduit_credential_new_from_data       (const char            *data,
                                                                          const char            *id,
                                                                          GError               **error);
ConduitCredential                *conduit_credential_copy                (ConduitCredential     *self);
JsonNode                         *conduit_credential_to_json             (ConduitCredential     *self,
                                                                          gboolean               with_secrets);
gboolean                          conduit_credential_check               (ConduitCredential     *self,
                                                                          GError               **error);
gboolean                          conduit_credential_check_token_url     (ConduitCredential     *self,
                                                                          const char            *token_url,
                                                                          GError               **error);
const char                       *conduit_credential_error_kind          (const GError          *error);
gboolean                          conduit_credential_check_complete      (ConduitCredential     *self,
                                                                          GError               **error);

const char                       *conduit_credential_get_id              (ConduitCredential     *self);
ConduitCredentialKind             conduit_credential_get_kind            (ConduitCredential     *self);
const char                       *conduit_credential_get_name            (ConduitCredential     *self);
void                              conduit_credential_set_name            (ConduitCredential     *self,
                                                                          const char            *name);
const char                       *conduit_credential_get_field           (ConduitCredential     *self,
                                                                          const char            *key);
gboolean                          conduit_credential_set_field           (ConduitCredential     *self,
                                                                          const char            *key,
                                                                          const char            *value,
                                                                          GError               **error);
const char                       *conduit_credential_get_secret          (ConduitCredential     *self,
                                                                          const char            *key);
gboolean                          conduit_credential_set_secret          (ConduitCredential     *self,
                                                                          const char            *key,
                                                                          const char            *value,
                                                                          GError               **error);
gboolean                          conduit_credential_has_secrets         (ConduitCredential     *self);
GPtrArray                        *conduit_credential_list_secret_values  (ConduitCredential     *self);
GPtrArray                        *conduit_credential_list_field_keys     (ConduitCredential     *self);
const char                       *conduit_credential_get_attention       (ConduitCredential     *self);
void                              conduit_credential_set_attention       (ConduitCredential     *self,
                                                                          const char            *answer);
gboolean                          conduit_credential_get_from_environment (ConduitCredential    *self);
void                              conduit_credential_set_from_environment (ConduitCredential    *self,
                                                                          gboolean               from_environment);
gboolean                          conduit_credential_get_locked          (ConduitCredential     *self);
void                              conduit_credential_set_locked          (ConduitCredential     *self,
                                                                          gboolean               locked);
gboolean                          conduit_credential_get_needs_sign_in   (ConduitCredential     *self);
void                              conduit_credential_set_needs_sign_in   (ConduitCredential     *self,
                                                                          gboolean               needs_sign_in);
gboolean                          conduit_credential_is_signed_in        (ConduitCredential     *self);

char                             *conduit_credential_compute_hmac_sha256_hex (ConduitCredential *self,
                                                                              const guint8      *body,
                                                                              gsize              length);
gboolean                          conduit_credential_verify_hmac_sha256  (ConduitCredential     *self,
                                                                          const guint8          *body,
                                                                          gsize                  length,
                                                                          const char            *signature);

G_END_DECLS
