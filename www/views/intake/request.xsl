<?xml version="1.0" encoding="UTF-8"?>
<!--
  intake/request.xsl - one discovery-call request
  (GET /intake/requests/{id}; again with 422 when a POST is refused).

  View document (plugins/intake/queue.c):
    <intake-request id= today= overdue="yes"?>
      <record id= version= ...><i:DiscoveryRequest>...</i:DiscoveryRequest></record>
      <form id="f">...</form>?   the form model's values and messages
                                (www/views/form-lib.xsl)
    </intake-request>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:i="urn:cairn:intake" exclude-result-prefixes="i">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <!-- The form model's <form>: what was typed and the messages. -->
  <xsl:variable name="form" select="/*/form"/>

  <xsl:variable name="r" select="/intake-request/record/i:DiscoveryRequest"/>

  <xsl:template match="intake-request" mode="title">
    <xsl:if test="form/error">Not saved: </xsl:if>
    <xsl:text>Request from </xsl:text><xsl:value-of select="$r/i:name"/>
  </xsl:template>

  <xsl:template match="intake-request" mode="content">
    <p class="muted small"><a href="/intake">Intake</a> /</p>
    <h1>Request from <xsl:value-of select="$r/i:name"/></h1>
    <xsl:call-template name="form-error-summary"><xsl:with-param name="form" select="$form"/></xsl:call-template>
    <div class="panel">
      <dl class="facts">
        <dt>Received</dt>
        <dd><xsl:value-of select="$r/i:received"/>
          <xsl:if test="@overdue = 'yes'"><xsl:text> </xsl:text><span class="badge warn">not answered in time</span></xsl:if></dd>
        <dt>Contact</dt><dd><xsl:value-of select="$r/i:contact"/></dd>
        <dt>Preferred times</dt><dd><xsl:value-of select="$r/i:preferredTimes"/></dd>
        <dt>About the pain</dt><dd class="prose"><xsl:value-of select="$r/i:problem"/></dd>
        <dt>State</dt><dd><xsl:value-of select="$r/i:state"/></dd>
        <xsl:if test="$r/i:call"><dt>Call</dt><dd><xsl:value-of select="translate($r/i:call, 'T', ' ')"/></dd></xsl:if>
        <xsl:if test="$r/i:decided"><dt>Decided</dt><dd><xsl:value-of select="$r/i:decided"/></dd></xsl:if>
        <xsl:if test="$r/i:reason"><dt>Why not a fit</dt><dd class="prose"><xsl:value-of select="$r/i:reason"/></dd></xsl:if>
        <xsl:if test="$r/i:pointedTo"><dt>Pointed to</dt><dd><xsl:value-of select="$r/i:pointedTo"/></dd></xsl:if>
        <xsl:if test="$r/i:intake"><dt>Intake</dt><dd><a href="/intake/{$r/i:intake}">open the intake</a></dd></xsl:if>
      </dl>
    </div>
    <xsl:if test="$r/i:state = 'new' or $r/i:state = 'scheduled'">
      <form class="panel" method="post" action="/intake/requests/{@id}/schedule" novalidate="novalidate">
        <h2>
          <xsl:choose>
            <xsl:when test="$r/i:state = 'scheduled'">Move the call</xsl:when>
            <xsl:otherwise>Schedule the call</xsl:otherwise>
          </xsl:choose>
        </h2>
        <xsl:call-template name="csrf-field"/>
        <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="'call'"/>
          <xsl:with-param name="label" select="'Date and time of the call'"/>
          <xsl:with-param name="hint" select="'YYYY-MM-DDTHH:MM in clinic time, for example 2026-12-01T10:30.'"/>
          <xsl:with-param name="type" select="'datetime-local'"/>
        </xsl:call-template>
        <p class="actions"><button type="submit" class="secondary">Schedule</button></p>
      </form>
      <form class="panel" method="post" action="/intake/requests/{@id}/outcome" novalidate="novalidate">
        <h2>Outcome of the call</h2>
        <xsl:call-template name="csrf-field"/>
        <xsl:call-template name="form-radios"><xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="'fit'"/>
          <xsl:with-param name="legend" select="'Is the program a good fit?'"/>
          <xsl:with-param name="list" select="'good|Good fit: create the patient and open the intake;not|Not a fit'"/>
        </xsl:call-template>
        <p class="hint">If not a fit, say why and where the person was pointed instead:</p>
        <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="'reason'"/>
          <xsl:with-param name="label" select="'Why not a fit'"/>
          <xsl:with-param name="rows" select="3"/>
        </xsl:call-template>
        <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="'pointedTo'"/>
          <xsl:with-param name="label" select="'Pointed to'"/>
          <xsl:with-param name="hint" select="'Who or what we suggested instead (their GP, a physiotherapist, a pain clinic).'"/>
        </xsl:call-template>
        <p class="actions"><button type="submit">Record the outcome</button></p>
      </form>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
