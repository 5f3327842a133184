#pragma once

#include <QByteArray>
#include <QString>

/// Prefect datetimes as microseconds since the Unix epoch, UTC.
namespace ed::timeutil {

/// ISO-8601 as pydantic reads it: `T` or space, 0–9 fraction digits (truncated to the
/// microsecond), `Z`, an offset, or none (naive = UTC); a bare date means midnight UTC.
bool parse(QStringView text, qint64 &micros, QString *error = nullptr);

/// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, the fraction only when it is not zero (pydantic's output).
QByteArray format(qint64 micros);
QString formatString(qint64 micros);

qint64 nowMicros();

/// `-30s`, `-15m`, `-24h`, `-7d`, `-2w` relative to `now`; else an absolute datetime.
bool parseRelativeOrAbsolute(QStringView text, qint64 now, qint64 &micros, QString *error);

} // namespace ed::timeutil
