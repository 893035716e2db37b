"""信用承诺: credit commitments, their verification (告知承诺 核查) and the breach record."""
