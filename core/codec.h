#pragma once

#include <QByteArray>
#include <QByteArrayView>

/// Compression of stored event JSON. The first byte names the codec so that a cache written
/// with one dictionary stays readable when a later version adds another.
namespace ed::codec {

QByteArray compress(QByteArrayView json);
/// Appends the decompressed JSON to `out`; false when the blob is corrupt.
bool decompress(QByteArrayView blob, QByteArray &out);

} // namespace ed::codec
