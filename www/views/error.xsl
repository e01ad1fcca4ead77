<?xml version="1.0" encoding="UTF-8"?>
<!--
  error.xsl - any failure a person is shown.

  View document (the core's serve.c and the plugins' error pages):
    <error status="422">
      <title>Unprocessable Content</title>?
      <message>answer.pain: 14 is outside the range 0 to 10.</message>
      <field>answer.pain</field>?
    </error>
  The message is written for a person and never carries internals (the
  core sends a generic one for 5xx).  field names the form field or record
  element at fault, when there is one (a field attribute is read too).
  The heading is this view's own wording for the status.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="error" mode="title">
    <xsl:call-template name="error-heading"/>
  </xsl:template>

  <xsl:template name="error-heading">
    <xsl:choose>
      <xsl:when test="@status = '400'">The request could not be used</xsl:when>
      <xsl:when test="@status = '403'">Not allowed</xsl:when>
      <xsl:when test="@status = '404'">Not found</xsl:when>
      <xsl:when test="@status = '405'">Not available this way</xsl:when>
      <xsl:when test="@status = '409'">Changed by someone else</xsl:when>
      <xsl:when test="@status = '413'">Too large</xsl:when>
      <xsl:when test="@status = '415'">Unsupported format</xsl:when>
      <xsl:when test="@status = '422'">Not saved: please check the input</xsl:when>
      <xsl:when test="@status = '503'">Busy: please try again</xsl:when>
      <xsl:when test="number(@status) &gt;= 500">Something went wrong</xsl:when>
      <xsl:otherwise>Error</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="error" mode="content">
    <div class="panel" role="alert">
      <h1><xsl:call-template name="error-heading"/></h1>
      <p>
        <xsl:value-of select="message"/>
      </p>
      <xsl:variable name="field" select="string((field | @field)[1])"/>
      <xsl:if test="$field != ''">
        <p class="muted small">
          <xsl:text>Field: </xsl:text>
          <code><xsl:value-of select="$field"/></code>
        </p>
      </xsl:if>
      <p class="muted small">
        <xsl:text>Status </xsl:text>
        <xsl:value-of select="@status"/>
        <xsl:if test="number(@status) &gt;= 500">
          <xsl:text>. Please try again; if it happens again, tell the clinic's administrator.</xsl:text>
        </xsl:if>
      </p>
      <p class="actions no-print">
        <xsl:choose>
          <xsl:when test="$staff-role != ''">
            <a class="button secondary" href="/">Back to the overview</a>
            <a href="/patients">Find a patient</a>
          </xsl:when>
          <xsl:otherwise>
            <!-- Visitors: the staff pages would only ask them to sign in. -->
            <a class="button secondary" href="/pricing">Go to the clinic’s pricing page</a>
          </xsl:otherwise>
        </xsl:choose>
      </p>
    </div>
  </xsl:template>

</xsl:stylesheet>
