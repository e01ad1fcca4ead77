<?xml version="1.0" encoding="UTF-8"?>
<!-- hello.xsl: renders the example plugin's view
       <hello><greeting>..</greeting><name>..</name>
              <day weekday="Thursday">2026-12-03</day>?
              <form id="hello" ...>...</form></hello>
     Installed as views/hello/hello.xsl (the handler names it
     "hello/hello"); the frame comes from layout.xsl and the form from the
     shared form library, both installed by Cairn in views/. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <xsl:template match="hello" mode="title">Hello</xsl:template>

  <xsl:template match="hello" mode="content">
    <h1><xsl:value-of select="greeting"/>, <xsl:value-of select="name"/>!</h1>
    <xsl:if test="day">
      <p><xsl:value-of select="day"/> is a <xsl:value-of select="day/@weekday"/>.</p>
    </xsl:if>
    <p>This page comes from the example plugin, built out of Cairn's tree
      against the installed &lt;cairn/plugin.h&gt;.</p>
    <section class="panel"><xsl:apply-templates select="form" mode="form"/></section>
  </xsl:template>
</xsl:stylesheet>
