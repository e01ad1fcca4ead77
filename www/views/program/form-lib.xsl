<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/form-lib.xsl - renders the forms of the care-program pages
  (included by form.xsl, episode.xsl, checkpoint.xsl).

  A form in a view document (plugins/program/form.c):
    <form id="move" action="/patients/3/episodes/4/moves" submit="Continue"
          title="Start the introductory phase"?>
      <value name="date">2026-11-29</value>*     what was typed (or defaults)
      <error field="justification">message</error>*
      <field name= label= kind="text|date|select|textarea|checkbox|hidden"
             required="yes"? hint=?>
        <option value= label=/>*                  (select only)
      </field>*
    </form>
  Each message sits next to its field (and in a summary at the top of the
  form, linked to the field); typed values are kept.  No JavaScript.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:template match="form" mode="form">
    <xsl:variable name="f" select="."/>
    <form method="post" action="{@action}" class="program-form" id="form-{@id}" novalidate="novalidate">
      <xsl:call-template name="csrf-field"/>
      <xsl:if test="@title">
        <h3><xsl:value-of select="@title"/></h3>
      </xsl:if>
      <xsl:if test="error">
        <div class="error-summary" role="alert">
          <h2>Not saved</h2>
          <ul>
            <xsl:for-each select="error">
              <li>
                <xsl:choose>
                  <xsl:when test="@field != '' and $f/field[@name = current()/@field and @kind != 'hidden']">
                    <a href="#{$f/@id}-{@field}"><xsl:value-of select="."/></a>
                  </xsl:when>
                  <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
                </xsl:choose>
              </li>
            </xsl:for-each>
          </ul>
        </div>
      </xsl:if>
      <xsl:for-each select="field">
        <xsl:variable name="name" select="@name"/>
        <xsl:variable name="id" select="concat($f/@id, '-', $name)"/>
        <xsl:variable name="value" select="string($f/value[@name = $name])"/>
        <xsl:variable name="err" select="$f/error[@field = $name][1]"/>
        <xsl:choose>
          <xsl:when test="@kind = 'hidden'">
            <input type="hidden" name="{$name}" value="{$value}"/>
          </xsl:when>
          <xsl:otherwise>
            <div>
              <xsl:attribute name="class">
                <xsl:text>field</xsl:text>
                <xsl:if test="$err"> invalid</xsl:if>
              </xsl:attribute>
              <xsl:choose>
                <xsl:when test="@kind = 'checkbox'">
                  <label for="{$id}">
                    <input type="checkbox" id="{$id}" name="{$name}" value="yes">
                      <xsl:if test="$value = 'yes'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
                      <xsl:if test="$err">
                        <xsl:attribute name="aria-invalid">true</xsl:attribute>
                        <xsl:attribute name="aria-describedby">e-<xsl:value-of select="$id"/></xsl:attribute>
                      </xsl:if>
                    </input>
                    <xsl:text> </xsl:text>
                    <xsl:value-of select="@label"/>
                  </label>
                </xsl:when>
                <xsl:otherwise>
                  <label for="{$id}">
                    <xsl:value-of select="@label"/>
                    <xsl:if test="@required = 'yes'"><span class="muted"> (required)</span></xsl:if>
                  </label>
                  <xsl:if test="@hint">
                    <p class="hint" id="h-{$id}"><xsl:value-of select="@hint"/></p>
                  </xsl:if>
                </xsl:otherwise>
              </xsl:choose>
              <xsl:if test="$err">
                <p class="field-error" id="e-{$id}">
                  <span class="visually-hidden">Error: </span>
                  <xsl:value-of select="$err"/>
                </p>
              </xsl:if>
              <xsl:variable name="described">
                <xsl:if test="$err">e-<xsl:value-of select="$id"/></xsl:if>
                <xsl:if test="$err and @hint"><xsl:text> </xsl:text></xsl:if>
                <xsl:if test="@hint">h-<xsl:value-of select="$id"/></xsl:if>
              </xsl:variable>
              <xsl:choose>
                <xsl:when test="@kind = 'checkbox'"/>
                <xsl:when test="@kind = 'select'">
                  <select id="{$id}" name="{$name}">
                    <xsl:if test="$err"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
                    <xsl:if test="string($described) != ''"><xsl:attribute name="aria-describedby"><xsl:value-of select="$described"/></xsl:attribute></xsl:if>
                    <xsl:for-each select="option">
                      <option value="{@value}">
                        <xsl:if test="@value = $value"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                        <xsl:value-of select="@label"/>
                      </option>
                    </xsl:for-each>
                  </select>
                </xsl:when>
                <xsl:when test="@kind = 'textarea'">
                  <textarea id="{$id}" name="{$name}" rows="3" maxlength="2000">
                    <xsl:if test="$err"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
                    <xsl:if test="string($described) != ''"><xsl:attribute name="aria-describedby"><xsl:value-of select="$described"/></xsl:attribute></xsl:if>
                    <xsl:value-of select="$value"/>
                  </textarea>
                </xsl:when>
                <xsl:otherwise>
                  <input id="{$id}" name="{$name}" value="{$value}">
                    <xsl:attribute name="type">
                      <xsl:choose>
                        <xsl:when test="@kind = 'date'">date</xsl:when>
                        <xsl:otherwise>text</xsl:otherwise>
                      </xsl:choose>
                    </xsl:attribute>
                    <xsl:if test="@kind = 'date'"><xsl:attribute name="class">short</xsl:attribute></xsl:if>
                    <xsl:if test="@kind = 'text'"><xsl:attribute name="maxlength">200</xsl:attribute></xsl:if>
                    <xsl:if test="$err"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
                    <xsl:if test="string($described) != ''"><xsl:attribute name="aria-describedby"><xsl:value-of select="$described"/></xsl:attribute></xsl:if>
                  </input>
                </xsl:otherwise>
              </xsl:choose>
            </div>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
      <p class="actions"><button type="submit"><xsl:value-of select="@submit"/></button></p>
    </form>
  </xsl:template>

  <!-- A fraction as a whole percent: 0.4567 -> 46%. -->
  <xsl:template name="pct">
    <xsl:param name="v"/>
    <xsl:value-of select="format-number(number($v) * 100, '0')"/>
    <xsl:text>%</xsl:text>
  </xsl:template>

  <xsl:template name="phase-name">
    <xsl:param name="id"/>
    <xsl:choose>
      <xsl:when test="$id = 'enrolled'">Enrolled</xsl:when>
      <xsl:when test="$id = 'introductory'">Introductory phase</xsl:when>
      <xsl:when test="$id = 'first-month'">First-month continuation</xsl:when>
      <xsl:when test="$id = 'monthly'">Monthly program</xsl:when>
      <xsl:when test="$id = 'graduated'">Graduated</xsl:when>
      <xsl:when test="$id = 'exited'">Exited</xsl:when>
      <xsl:otherwise><xsl:value-of select="$id"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The path of an episode: one line per move. -->
  <xsl:template match="episode" mode="path">
    <ol class="path">
      <li>
        <xsl:text>Enrolled </xsl:text>
        <xsl:value-of select="@period-start"/>
        <xsl:if test="@definition-version">
          <span class="muted"> · program definition v<xsl:value-of select="@definition-version"/></span>
        </xsl:if>
      </li>
      <xsl:for-each select="move">
        <li>
          <xsl:attribute name="class">move to-<xsl:value-of select="@to"/></xsl:attribute>
          <strong><xsl:value-of select="@to-label"/></strong>
          <xsl:text> </xsl:text>
          <xsl:value-of select="@date"/>
          <xsl:if test="@improvement">
            <xsl:text> · improvement </xsl:text>
            <xsl:call-template name="pct"><xsl:with-param name="v" select="@improvement"/></xsl:call-template>
            <xsl:if test="@threshold-met = 'no'"> (threshold not reached)</xsl:if>
            <xsl:if test="@threshold-met = 'yes'"> (threshold reached)</xsl:if>
          </xsl:if>
          <xsl:if test="@reason-label">
            <xsl:text> · reason: </xsl:text>
            <xsl:value-of select="@reason-label"/>
          </xsl:if>
          <xsl:if test="justification">
            <blockquote class="justification">
              <strong>Clinical justification: </strong>
              <xsl:value-of select="justification"/>
            </blockquote>
          </xsl:if>
          <xsl:if test="note">
            <p class="small muted"><xsl:value-of select="note"/></p>
          </xsl:if>
        </li>
      </xsl:for-each>
    </ol>
  </xsl:template>

</xsl:stylesheet>
