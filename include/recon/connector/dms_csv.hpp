#pragma once
/// The dms_csv connector: a folder of CSV files as AWS DMS writes a full load and its change data
/// capture to S3 (<schema>/<table>/LOAD00000001.csv[.gz] …, then CDC files whose first column is
/// Op). The files carry no types: each table's columns come from the other side's description
/// (Connector::describe_from) or from the side's `columns` list. Rows are sorted by key once per
/// process, with bounded memory (an external merge sort spilling to temp_dir), and read by range
/// from the sorted file. Read-only.

#include <memory>

#include "recon/connector/connector.hpp"

namespace recon {

/// Opens the folder `endpoint.url` for `side`. Throws ConnectorError(login=true) when it is not a
/// folder.
std::unique_ptr<Connector> make_dms_csv_connector(const Endpoint& endpoint, Side side);

}  // namespace recon
