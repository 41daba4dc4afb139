import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SIGNAL_MS

pytestmark = pytest.mark.browser

LEDGER = (
    "江川路街道2024年3月网格事务台账\r\n"
    "事务编号,居民区,事务类别,上报时间,办结时间,办结层级,是否紧急,满意度,联系电话\r\n"
    "B1,鹤北一居,矛盾化解,2024/3/1 9:30,2024年3月2日,网格,否,5,13800138000\r\n"
    "B2,北街,民意征集,2024-03-02,,,是,,\r\n"
    "B3,火星新村,党建,2024-02-30,,,否,9,\r\n"
    "合计,,,,,,,,\r\n"
)


def test_upload_preview_and_report_in_the_browser(tracked, tmp_path):
    """Upload a GBK ledger with mistakes: the report names each row as Excel shows it. The shared test
    server holds the demo world, so the import stays blocked (and nothing is changed)."""
    path = tmp_path / "三月台账.csv"
    path.write_bytes(LEDGER.encode("gbk"))
    page = tracked.open("data_import?demo_role=admin", wait_for_text="当前是演示数据")
    assert page.get_by_text("清空演示数据").count() >= 1
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_text("请先修改文件中的这些问题").wait_for()
    tracked.idle()
    # the preview's metrics: drawn in the run that showed the message, or in the rerun right after it
    expect(page.get_by_text("需修改的错误")).to_have_count(1, timeout=SIGNAL_MS)
    expect(page.locator("[data-testid='stMetric']").nth(4)).to_have_text(re.compile(r"3\s*$"), timeout=SIGNAL_MS)
    confirm = page.get_by_role("button", name="确认导入")
    assert confirm.is_disabled()
    # Streamlit scrolls inside its main block, so a full-page shot needs a viewport as tall as the page.
    page.set_viewport_size({"width": 1440, "height": 1900})
    tracked.settled_screenshot("data_import.png", full_page=True)
    tracked.assert_no_exception()
    tracked.assert_offline()
