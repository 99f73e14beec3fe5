"""The movement review document (báo cáo sơ kết / tổng kết): drafted from every plugin's review sections, edited
by the standing office, printed in the Nghị định 30 layout and exported to Word and Excel."""
