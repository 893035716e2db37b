/*
 * Chinese for Swagger UI's own texts (buttons, headings, labels) on /api/v1/docs.
 *
 * Swagger UI has no translations. Its React components write these texts as text nodes
 * and a few attributes; this script rewrites them as they appear (a MutationObserver), and
 * again whenever React writes the English back. Only whole texts from the list below are
 * replaced, and never inside code, pre, textarea or input elements, so request and
 * response bodies, examples and the API's own (Chinese) descriptions stay as they are.
 * Served from this server like the rest of the page: the CSP allows no inline script.
 */
(function () {
  "use strict";

  var TEXTS = {
    "Try it out": "试一试",
    "Cancel": "取消",
    "Execute": "执行",
    "Clear": "清除",
    "Authorize": "授权",
    "Authorized": "已授权",
    "Available authorizations": "可用的认证方式",
    "Logout": "注销",
    "Close": "关闭",
    "Value:": "值：",
    "Name:": "名称：",
    "In:": "位置：",
    "Parameters": "参数",
    "No parameters": "无参数",
    "Name": "名称",
    "Description": "说明",
    "Request body": "请求体",
    "Responses": "响应",
    "Response": "响应",
    "Code": "状态码",
    "Links": "链接",
    "No links": "无链接",
    "Server response": "服务器响应",
    "Response body": "响应体",
    "Response headers": "响应头",
    "Request URL": "请求地址",
    "Request duration": "请求耗时",
    "Curl": "cURL 命令",
    "Details": "详情",
    "Download": "下载",
    "Example Value": "示例值",
    "Edit Value": "编辑值",
    "Schema": "结构",
    "Schemas": "数据结构",
    "Examples": "示例",
    "Example Description": "示例说明",
    "Media type": "媒体类型",
    "Controls Accept header.": "决定请求的 Accept 头。",
    "Parameter content type": "参数内容类型",
    "Response content type": "响应内容类型",
    "Send empty value": "发送空值",
    "Reset": "重置",
    "required": "必填",
    "deprecated": "已弃用",
    "Servers": "服务器",
    "Callbacks": "回调",
    "Expand all": "全部展开",
    "Collapse all": "全部折叠",
    "Unknown": "未知",
    "Hide": "隐藏",
    "Show": "显示",
    "Loading...": "加载中…",
    "Undocumented": "未说明",
    "Failed to fetch.": "请求失败。",
    "Possible Reasons:": "可能的原因：",
    "Network Failure": "网络故障",
    "Default value": "默认值",
    "Available values": "可选值",
    "Add item": "添加一项",
    "Remove item": "删除此项",
    "Enter file": "选择文件",
    "Select a file": "选择文件",
    "No response body": "无响应体",
    "Filter by tag": "按分组筛选",
    "Copy to clipboard": "复制到剪贴板",
    "Apply credentials": "应用凭据",
    "Remove authorization": "移除授权",
    "Extensions": "扩展",
    "Field": "字段",
    "Value": "值",
    "Example": "示例",
    "OK": "成功"
  };
  var ATTRIBUTES = ["placeholder", "title", "aria-label"];
  var SKIP = { CODE: true, PRE: true, TEXTAREA: true, INPUT: true, SCRIPT: true, STYLE: true };

  function skipped(node) {
    for (var el = node.parentNode; el && el.nodeType === 1; el = el.parentNode) {
      if (SKIP[el.tagName]) return true;
      // The API's own texts (titles, descriptions written in Markdown) are already Chinese.
      if (el.classList.contains("markdown") || el.classList.contains("renderedMarkdown")) {
        return true;
      }
    }
    return false;
  }

  function translateText(node) {
    var raw = node.nodeValue;
    var text = raw.trim();
    if (!text || !Object.prototype.hasOwnProperty.call(TEXTS, text) || skipped(node)) return;
    node.nodeValue = raw.replace(text, TEXTS[text]);
  }

  function translateAttributes(el) {
    for (var i = 0; i < ATTRIBUTES.length; i++) {
      var value = el.getAttribute(ATTRIBUTES[i]);
      if (value && Object.prototype.hasOwnProperty.call(TEXTS, value.trim())) {
        el.setAttribute(ATTRIBUTES[i], TEXTS[value.trim()]);
      }
    }
  }

  function translate(root) {
    if (root.nodeType === 3) {
      translateText(root);
      return;
    }
    if (root.nodeType !== 1) return;
    translateAttributes(root);
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === 3) translateText(node);
      else translateAttributes(node);
    }
  }

  function start() {
    var root = document.getElementById("swagger-ui") || document.body;
    translate(root);
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        var m = mutations[i];
        if (m.type === "characterData") translateText(m.target);
        else if (m.type === "attributes") translateAttributes(m.target);
        else for (var j = 0; j < m.addedNodes.length; j++) translate(m.addedNodes[j]);
      }
    }).observe(root, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ATTRIBUTES
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
