/* conduit-executor-sftp.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_SFTP_UPLOAD (conduit_executor_sftp_upload_get_type ())
G_DECLARE_FINAL_TYPE (ConduitExecutorSftpUpload, conduit_executor_sftp_upload, CONDUIT,
                      EXECUTOR_SFTP_UPLOAD, GObject)

#define CONDUIT_TYPE_EXECUTOR_SFTP_DOWNLOAD (conduit_executor_sftp_download_get_type ())
G_DECLARE_FINAL_TYPE (ConduitExecutorSftpDownload, conduit_executor_sftp_download, CONDUIT,
                      EXECUTOR_SFTP_DOWNLOAD, GObject)

#define CONDUIT_TYPE_EXECUTOR_SFTP_POLL (conduit_executor_sftp_poll_get_type ())
G_DECLARE_FINAL_TYPE (ConduitExecutorSftpPoll, conduit_executor_sftp_poll, CONDUIT,
                      EXECUTOR_SFTP_POLL, GObject)

G_END_DECLS
