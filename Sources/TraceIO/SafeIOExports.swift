@_exported import SafeIO
